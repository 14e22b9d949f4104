import { z } from 'zod';
import type { BackupRecord } from './record.js';

/**
 * What a catalog entry read back from storage must look like before anything trusts it. The
 * interface in record.ts is the model; this schema checks it at the boundary (a hand-edited,
 * truncated or foreign `.json` is reported with the field that is wrong), and the type assertion
 * at the bottom keeps the two from drifting apart.
 */

const hex = (n: number) => z.string().regex(new RegExp(`^[0-9a-f]{${n}}$`), `${n} lowercase hex digits`);
const iso = z.string().refine((s) => !Number.isNaN(Date.parse(s)), 'an ISO 8601 time');

export const BACKUP_ID = /^\d{8}T\d{6}Z-[0-9a-f]{12}$/;

const verification = z.object({ at: iso, ok: z.boolean(), detail: z.string() });

export const backupRecordSchema = z
  .object({
    format: z.literal(1),
    id: z.string().regex(BACKUP_ID, 'yyyymmddThhmmssZ-<12 hex>'),
    cluster: z.object({ id: z.string().min(1), name: z.string() }),
    takenAt: iso,
    result: z.enum(['ok', 'failed']),
    failure: z.string().optional(),
    source: z.object({ node: z.string(), talosVersion: z.string(), etcdVersion: z.string() }).optional(),
    snapshot: z
      .object({
        bytes: z.number().int().nonnegative(),
        sha256: hex(64),
        etcdHash: z.string(),
        revision: z.number().int().nonnegative(),
        totalKeys: z.number().int().nonnegative(),
      })
      .optional(),
    object: z
      .object({
        key: z.string().min(1),
        bytes: z.number().int().nonnegative(),
        sha256: hex(64),
        compression: z.literal('gzip'),
        recipients: z.array(z.string()),
      })
      .optional(),
    log: z.string().optional(),
    verifications: z.array(verification),
  })
  .refine((r) => r.result !== 'ok' || (r.object !== undefined && r.snapshot !== undefined), {
    message: 'an ok backup names its object and its snapshot',
  });

/** Parses one entry's text: the record, or what is wrong with it in words. */
export function parseRecord(text: string): { ok: true; record: BackupRecord } | { ok: false; reason: string } {
  let raw: unknown;
  try {
    raw = JSON.parse(text);
  } catch (e) {
    return { ok: false, reason: `not JSON (${e instanceof Error ? e.message : String(e)})` };
  }
  const r = backupRecordSchema.safeParse(raw);
  if (r.success) return { ok: true, record: r.data };
  const issue = r.error.issues[0];
  const where = issue?.path.length ? issue.path.join('.') : 'the entry';
  return { ok: false, reason: `${where}: ${issue?.message ?? 'invalid'}` };
}

// the schema's type and the model agree (a compile error here means record.ts changed alone)
type Parsed = z.infer<typeof backupRecordSchema>;
export const schemaMatchesModel: [Parsed] extends [BackupRecord] ? true : never = true;
