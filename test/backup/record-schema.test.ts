import { describe, expect, it } from 'vitest';
import { BACKUP_ID, parseRecord, schemaMatchesModel } from '../../src/backup/record-schema.js';
import { makeRecord } from './retention-records.js';

/** A catalog entry read back from storage: hand-edited, truncated or foreign entries are named, field first. */

const good = makeRecord('2026-12-07T02:00:00.000Z', 'verified', 7);
const text = (edit: (r: Record<string, unknown>) => void) => {
  const r = structuredClone(good) as unknown as Record<string, unknown>;
  edit(r);
  return JSON.stringify(r);
};

describe('parseRecord', () => {
  it('reads an entry back as written', () => {
    expect(parseRecord(JSON.stringify(good))).toEqual({ ok: true, record: good });
    const failed = makeRecord('2026-12-07T02:00:00.000Z', 'failed', 8);
    expect(parseRecord(JSON.stringify(failed))).toEqual({ ok: true, record: failed });
  });

  it.each([
    ['{"format":1', /^not JSON \(/],
    [text((r) => Object.assign(r, { format: 2 })), /^format: /],
    [text((r) => Object.assign(r, { id: '2026-12-07-x' })), /^id: yyyymmddThhmmssZ-<12 hex>$/],
    [text((r) => Object.assign(r, { takenAt: 'yesterday' })), /^takenAt: an ISO 8601 time$/],
    [text((r) => Object.assign(r, { result: 'partial' })), /^result: /],
    [
      text((r) => Object.assign(r.snapshot as object, { sha256: 'ABC' })),
      /^snapshot\.sha256: 64 lowercase hex digits$/,
    ],
    [text((r) => Object.assign(r.snapshot as object, { bytes: -1 })), /^snapshot\.bytes: /],
    [text((r) => Object.assign(r.object as object, { compression: 'zstd' })), /^object\.compression: /],
    [
      text((r) => Object.assign(r, { verifications: [{ at: 'x', ok: true, detail: '' }] })),
      /^verifications\.0\.at: an ISO 8601 time$/,
    ],
    [text((r) => delete r.object), /^the entry: an ok backup names its object and its snapshot$/],
    [text((r) => delete r.cluster), /^cluster: /],
  ])('refuses %#, naming the field', (t, reason) => {
    const r = parseRecord(t);
    expect(r.ok).toBe(false);
    expect(r.ok ? '' : r.reason).toMatch(reason);
  });

  it('the id pattern: a UTC second and 12 hex digits', () => {
    expect(BACKUP_ID.test('20261207T020000Z-0123456789ab')).toBe(true);
    expect(BACKUP_ID.test('20261207T020000Z-0123456789AB')).toBe(false);
    expect(BACKUP_ID.test('20261207T020000-0123456789ab')).toBe(false);
    expect(BACKUP_ID.test(' 20261207T020000Z-0123456789ab')).toBe(false);
    expect(schemaMatchesModel).toBe(true);
  });
});
