import { makeCheckpointPolicy } from './checkpoints.js';
import type { AnyRecord } from './log-format.js';
import { nameRecords } from './segments.js';
import { checkSignature, type VerifyKey, verifyKeyFromPem } from './sign.js';

/**
 * The signature half of `log verify`, run over records whose chain is already verified. With a
 * pinned key (`--key`), a pass means the holder of that private key signed every checkpoint and
 * sealed the log with its final run-end. Without one, the key embedded in run-start is used: that
 * shows only that the log is self-consistent (anyone could have embedded a key of their own).
 */
export type SignatureCheck =
  | { ok: true; signed: false }
  | {
      ok: true;
      signed: true;
      fingerprint: string;
      /** checked against a key the auditor supplied, not only the embedded one */
      pinned: boolean;
      signatures: number;
      /** the log ends with a signed run-end */
      sealed: boolean;
      /** seq of the last signed record */
      lastSigned: number;
    }
  | { ok: false; firstBadSeq: number; reason: string; fingerprint?: string };

/** Records in log order: an array, or verify-bytes.ts's list that makes each record when read. */
export interface RecordList extends Iterable<AnyRecord> {
  readonly length: number;
  /** a negative index counts from the end */
  at(index: number): AnyRecord | undefined;
}

export function verifySignatures(
  records: RecordList,
  opts: { key?: VerifyKey; requireSealed: boolean },
): SignatureCheck {
  const start = records.at(0);
  const signing = start?.type === 'run-start' ? start.payload.signing : undefined;
  if (signing === undefined) {
    if (opts.key) return { ok: false, firstBadSeq: 1, reason: 'the log is not signed: its run-start names no key' };
    return { ok: true, signed: false };
  }
  const fail = (firstBadSeq: number, reason: string): SignatureCheck => ({
    ok: false,
    firstBadSeq,
    reason,
    fingerprint: signing.keyFingerprint,
  });
  const embedded = verifyKeyFromPem(signing.publicKey);
  if (embedded === undefined) return fail(1, 'the public key in run-start is not an ed25519 SPKI PEM key');
  if (embedded.fingerprint !== signing.keyFingerprint)
    return fail(1, `run-start names key ${signing.keyFingerprint} but embeds ${embedded.fingerprint}`);
  if (opts.key && opts.key.fingerprint !== signing.keyFingerprint)
    return fail(1, `signed with key ${signing.keyFingerprint}, not with the key given (${opts.key.fingerprint})`);
  const key = opts.key ?? embedded;
  const policy = makeCheckpointPolicy();
  let signatures = 0;
  let lastSigned = 0;
  for (const r of records) {
    const required = policy.requires(r.type, () => r.payload);
    if (r.sig !== undefined) {
      const c = checkSignature(key, r.hash, r.sig);
      if (!c.ok) return fail(r.seq, c.reason);
      signatures++;
      lastSigned = r.seq;
    } else if (required) {
      return fail(r.seq, `${r.type} is a checkpoint of a signed run but carries no signature`);
    }
  }
  const last = records.at(-1);
  const sealed = last?.type === 'run-end' && last.sig !== undefined;
  if (!sealed && opts.requireSealed) {
    const n = records.length;
    if (lastSigned < n)
      return fail(
        lastSigned + 1,
        `the log does not end with a signed run-end: ${nameRecords(records, lastSigned + 1, n)}: after the last signed checkpoint #${lastSigned}, covered by no signature (appended by someone, or the remains of a run that crashed)`,
      );
    return fail(n + 1, `the log ends at record ${n} without a run-end (cut after it, or the run was interrupted)`);
  }
  return {
    ok: true,
    signed: true,
    fingerprint: signing.keyFingerprint,
    pinned: opts.key !== undefined,
    signatures,
    sealed,
    lastSigned,
  };
}
