import { parseJournal } from '../read.js';
import { readSegments } from '../segments.js';
import type { VerifyKey } from '../sign.js';
import { verifyJournal } from '../verify.js';
import type { SignatureCheck } from '../verify-signatures.js';
import { verifySignatures } from '../verify-signatures.js';
import { buildReport, type Report } from './model.js';

/**
 * From a log's text to the report: verify the chain, check signatures (with the auditor's key
 * when given, else the embedded one), read every record leniently so a damaged log still reads.
 */
export function reportFromText(text: string, key?: VerifyKey): Report {
  const chained = verifyJournal(text);
  // records in an order no run writes (after a run-end, anything but a resume) fail like a bad chain
  const seg = chained.ok ? readSegments(chained.records) : undefined;
  const v =
    chained.ok && seg && !seg.ok
      ? { ok: false as const, firstBadSeq: seg.firstBadSeq, reason: seg.reason, records: chained.records }
      : chained;
  const { records, errors } = parseJournal(text);
  const signatures: SignatureCheck = v.ok
    ? verifySignatures(v.records, { ...(key ? { key } : {}), requireSealed: false })
    : { ok: false, firstBadSeq: v.firstBadSeq, reason: 'not checked: the log is tampered' };
  return buildReport(records, {
    records: records.length,
    chain: v.ok ? { ok: true, head: v.head } : { ok: false, firstBadSeq: v.firstBadSeq, reason: v.reason },
    complete: records[records.length - 1]?.type === 'run-end',
    signatures,
    unreadableLines: errors,
  });
}
