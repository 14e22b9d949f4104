import { parseJournal } from '../read.js';
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
  const v = verifyJournal(text);
  const { records, errors } = parseJournal(text);
  const signatures: SignatureCheck = v.ok
    ? verifySignatures(v.records, { ...(key ? { key } : {}), requireSealed: false })
    : { ok: false, firstBadSeq: v.firstBadSeq, reason: 'not checked: the hash chain is broken' };
  return buildReport(records, {
    records: records.length,
    chain: v.ok ? { ok: true, head: v.head } : { ok: false, firstBadSeq: v.firstBadSeq, reason: v.reason },
    complete: records[records.length - 1]?.type === 'run-end',
    signatures,
    unreadableLines: errors,
  });
}
