import {
  type AnyRecord,
  canonicalJson,
  formatRecordLineWith,
  GENESIS,
  hashRecordWith,
  isRecordType,
  LOG_VERSION,
} from './log-format.js';

/**
 * Checks a whole log: every line a canonical record, seq 1..n without gaps, each prev equal to
 * the previous hash, each hash recomputed, the first record a run-start, and a final newline.
 * Any single-byte edit, deletion, reordering, insertion or truncation fails at the first bad record.
 * A log cut cleanly after a whole record still verifies (as an interrupted run would): `complete`
 * tells whether it ends with run-end. Signed checkpoints (issue 7) will close that gap.
 */
export type VerifyResult =
  | { ok: true; records: AnyRecord[]; head: string; complete: boolean }
  | { ok: false; firstBadSeq: number; line: number; reason: string; records: AnyRecord[] };

const HEX64 = /^[0-9a-f]{64}$/;
const KEYS = new Set(['v', 'seq', 'time', 'type', 'payload', 'prev', 'hash', 'sig']);

/** Parses one line into a record, or says why it is not one (no chain checks here). */
export function parseRecordLine(line: string): { ok: true; record: AnyRecord } | { ok: false; reason: string } {
  let value: unknown;
  try {
    value = JSON.parse(line);
  } catch {
    return { ok: false, reason: 'not valid JSON (edited or truncated)' };
  }
  if (typeof value !== 'object' || value === null || Array.isArray(value))
    return { ok: false, reason: 'not a JSON object' };
  const r = value as Record<string, unknown>;
  const extra = Object.keys(r).filter((k) => !KEYS.has(k));
  if (extra.length > 0)
    return { ok: false, reason: `unexpected field ${extra.map((k) => JSON.stringify(k)).join(', ')}` };
  if (r.v !== LOG_VERSION) return { ok: false, reason: `unsupported format version ${JSON.stringify(r.v)}` };
  if (typeof r.seq !== 'number' || !Number.isInteger(r.seq)) return { ok: false, reason: 'seq is not an integer' };
  if (typeof r.time !== 'string') return { ok: false, reason: 'time is not a string' };
  if (typeof r.type !== 'string' || !isRecordType(r.type))
    return { ok: false, reason: `unknown record type ${JSON.stringify(r.type)}` };
  if (typeof r.payload !== 'object' || r.payload === null || Array.isArray(r.payload))
    return { ok: false, reason: 'payload is not an object' };
  if (typeof r.prev !== 'string' || !HEX64.test(r.prev)) return { ok: false, reason: 'prev is not 64 hex digits' };
  if (typeof r.hash !== 'string' || !HEX64.test(r.hash)) return { ok: false, reason: 'hash is not 64 hex digits' };
  if (r.sig !== undefined && typeof r.sig !== 'string') return { ok: false, reason: 'sig is not a string' };
  return { ok: true, record: r as unknown as AnyRecord };
}

export function verifyJournal(text: string): VerifyResult {
  const records: AnyRecord[] = [];
  const bad = (line: number, reason: string): VerifyResult => ({ ok: false, firstBadSeq: line, line, reason, records });
  if (text === '') return bad(1, 'the log is empty: no run-start record');
  const lines = text.split('\n');
  const last = lines.pop();
  let prev = GENESIS;
  for (const [i, line] of lines.entries()) {
    const n = i + 1;
    const c = checkRecordLine(line, n, prev);
    if (!c.ok) return bad(n, c.reason);
    records.push(c.record);
    prev = c.record.hash;
  }
  if (last !== '')
    return bad(lines.length + 1, 'truncated: the last line has no newline (an unfinished write or a cut file)');
  const tail = records[records.length - 1];
  return { ok: true, records, head: prev, complete: tail?.type === 'run-end' };
}

/**
 * Checks line `n` of a log (without its newline) against the hash of the record before it: a
 * canonical record, numbered n, chained to `prev`, its hash recomputed. The one definition of a
 * good line: verifyJournal and the byte verifier's slow path (verify-bytes.ts) both use it.
 */
export function checkRecordLine(
  line: string,
  n: number,
  prev: string,
): { ok: true; record: AnyRecord } | { ok: false; reason: string } {
  const bad = (reason: string) => ({ ok: false as const, reason });
  if (line === '') return bad('empty line');
  const parsed = parseRecordLine(line);
  if (!parsed.ok) return parsed;
  const r = parsed.record;
  if (r.seq !== n) return bad(`seq is ${r.seq}, expected ${n} (records deleted, reordered or inserted)`);
  if (n === 1 && r.type !== 'run-start') return bad(`the first record is ${r.type}, expected run-start`);
  if (r.prev !== prev)
    return bad(
      n === 1
        ? 'prev of the first record is not 64 zeros'
        : `prev ${short(r.prev)} is not the hash of record ${n - 1} (${short(prev)}): records deleted, reordered or inserted`,
    );
  const payloadJson = canonicalPayloadOf(r, line);
  if (payloadJson === undefined) return bad('not in canonical form: the line was edited');
  const computed = hashRecordWith(r, payloadJson);
  if (computed !== r.hash)
    return bad(`hash mismatch: stored ${short(r.hash)}, computed ${short(computed)} (the record was edited)`);
  return { ok: true, record: r };
}

/**
 * The payload's canonical JSON if the line is the record's canonical line, else undefined. The
 * writer writes canonical lines, so the payload is cut from the line itself (its envelope, a few
 * short fields, is rebuilt and compared) and checked against canonicalJson; only the payload is
 * serialised, never the whole line, and the bytes hashed are then the line's own.
 */
function canonicalPayloadOf(r: AnyRecord, line: string): string | undefined {
  const head = `{"v":${r.v},"seq":${r.seq},"time":${JSON.stringify(r.time)},"type":${JSON.stringify(r.type)},"payload":`;
  const sig = r.sig === undefined ? '' : `,"sig":${JSON.stringify(r.sig)}`;
  const tail = `,"prev":${JSON.stringify(r.prev)},"hash":${JSON.stringify(r.hash)}${sig}}`;
  if (line.length < head.length + tail.length || !line.startsWith(head) || !line.endsWith(tail)) return undefined;
  const raw = line.slice(head.length, line.length - tail.length);
  const payloadJson = canonicalJson(r.payload);
  if (payloadJson === raw) return raw;
  // the same record, but the line differs: confirm with the whole line, as the writer makes it
  return formatRecordLineWith(r, payloadJson) === line ? payloadJson : undefined;
}

function short(hash: string): string {
  return `${hash.slice(0, 12)}…`;
}
