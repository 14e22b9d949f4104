import { generateKeyPairSync } from 'node:crypto';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { canonicalObjectEnd } from '../../src/audit/canonical-scan.js';
import {
  type AnyRecord,
  canonicalJson,
  formatRecordLine,
  GENESIS,
  makeRecord,
  type PayloadByType,
} from '../../src/audit/log-format.js';
import { signerFromKey } from '../../src/audit/sign.js';
import { type VerifyResult, verifyJournal } from '../../src/audit/verify.js';
import { type VerifyBytesResult, verifyJournalBytes } from '../../src/audit/verify-bytes.js';
import { verifySignatures } from '../../src/audit/verify-signatures.js';
import { Journal } from '../../src/engine/journal.js';
import { memorySink, steppingClock, writeSampleRun } from '../helpers/sample-log.js';
import { FULL_SCALE, sampled, scaled } from '../helpers/scale.js';

// The byte verifier must give verifyJournal's verdict, message and records on every input: its fast
// path may only accept what the exact path accepts. Each test compares the two on the same bytes.

function sample(signed = false): string {
  const sink = memorySink();
  const signer = signed ? signerFromKey(generateKeyPairSync('ed25519').privateKey) : undefined;
  writeSampleRun(Journal.create('unused', { sink, clock: steppingClock(), ...(signer ? { signer } : {}) }));
  return sink.text();
}

/** Everything a caller can see of a record (LineRecord's time and payload are getters). */
const view = (r: AnyRecord) => ({
  v: r.v,
  seq: r.seq,
  time: r.time,
  type: r.type,
  payload: r.payload,
  prev: r.prev,
  hash: r.hash,
  sig: r.sig,
});
const summary = (v: VerifyResult | VerifyBytesResult) =>
  v.ok
    ? { ok: true, head: v.head, complete: v.complete, records: [...v.records].map(view) }
    : { ok: false, firstBadSeq: v.firstBadSeq, line: v.line, reason: v.reason, records: [...v.records].map(view) };

/**
 * The edits tried at byte i: the properties project tries all three deltas (a low bit, case/space,
 * the UTF-8 high bit) at every byte; unit one of them, at a third of the bytes (sampled by seed).
 */
const DELTAS = [1, 0x20, 0x80] as const;
const deltasAt = (i: number): readonly number[] => (FULL_SCALE ? DELTAS : [DELTAS[i % DELTAS.length] ?? 1]);

/** Both verifiers on the same bytes: equal verdicts, messages, records and signature checks. */
function same(buf: Buffer): VerifyBytesResult {
  const fast = verifyJournalBytes(Buffer.from(buf));
  const exact = verifyJournal(buf.toString('utf8'));
  expect(summary(fast)).toEqual(summary(exact));
  if (fast.ok && exact.ok)
    expect(verifySignatures(fast.records, { requireSealed: true })).toEqual(
      verifySignatures(exact.records, { requireSealed: true }),
    );
  return fast;
}

/** A log of the given payloads (cast: the verifier does not look at payload shapes). */
function logOf(payloads: readonly unknown[]): string {
  let prev = GENESIS;
  const lines = payloads.map((p, i) => {
    const type = i === 0 ? 'run-start' : 'check';
    const r = makeRecord(type, p as PayloadByType['check'], { seq: i + 1, time: '2026-11-24T03:00:00.000Z', prev });
    prev = r.hash;
    return `${formatRecordLine(r)}\n`;
  });
  return lines.join('');
}

describe('verifyJournalBytes', () => {
  it('passes the untouched sample logs, signed and not, with the same records', () => {
    const plain = same(Buffer.from(sample()));
    expect(plain).toMatchObject({ ok: true, complete: true });
    // taken by the fast path (its records decode the payload on demand), non-ASCII text included
    expect([...plain.records].filter((r) => Object.hasOwn(r, 'payload'))).toEqual([]);
    const signed = same(Buffer.from(sample(true)));
    expect(signed.ok && verifySignatures(signed.records, { requireSealed: true })).toMatchObject({
      ok: true,
      signed: true,
      sealed: true,
    });
  });

  it('gives the exact verdict and message for every single-byte edit, signed log included', () => {
    for (const text of [sample(), sample(true)]) {
      const original = Buffer.from(text, 'utf8');
      for (let i = 0; i < original.length; i++) {
        if (!sampled(i, 3)) continue;
        for (const delta of deltasAt(i)) {
          const edited = Buffer.from(original);
          edited[i] = ((original[i] ?? 0) + delta) & 0xff;
          const v = same(edited);
          // an edit of a signature is not in the chain: the signature check (compared in same()) fails it
          if (v.ok && verifySignatures(v.records, { requireSealed: true }).ok)
            throw new Error(`edit at byte ${i} (+${delta}) went undetected`);
        }
      }
    }
  });

  it('gives the exact verdict for deleted, reordered, appended, truncated, empty and CRLF logs', () => {
    const text = sample();
    const lines = text.split('\n').slice(0, -1);
    const join = (ls: string[]) => Buffer.from(`${ls.join('\n')}\n`);
    same(join([...lines.slice(0, 4), ...lines.slice(5)]));
    same(join([lines[0] ?? '', lines[2] ?? '', lines[1] ?? '', ...lines.slice(3)]));
    same(join(lines.slice(1)));
    same(join([...lines, lines[1] ?? '']));
    same(join([...lines.slice(0, 3), '', ...lines.slice(3)]));
    for (const cut of [0, 1, 10, 200, text.length - 40, text.length - 1]) same(Buffer.from(text.slice(0, cut)));
    same(Buffer.from(text.replaceAll('\n', '\r\n')));
    same(Buffer.from(`\ufeff${text}`));
    same(Buffer.from([...Buffer.from(text), 0xff, 0x0a]));
  });

  it('agrees with verifyJournal on any payload, and on its non-canonical spellings', () => {
    const payload = fc.dictionary(fc.string(), fc.jsonValue(), { maxKeys: 6 });
    fc.assert(
      fc.property(fc.array(payload, { minLength: 1, maxLength: 4 }), fc.nat(), (payloads, pick) => {
        const text = logOf(payloads);
        expect(same(Buffer.from(text)).ok).toBe(true);
        // the same values spelled otherwise (key order, spaces, escapes): must fail exactly as verifyJournal does
        const lines = text.split('\n');
        const n = pick % payloads.length;
        const canon = canonicalJson(payloads[n]);
        for (const other of [JSON.stringify(payloads[n]), JSON.stringify(payloads[n], null, 1)]) {
          if (other === canon) continue;
          const edited = [...lines];
          edited[n] = (lines[n] ?? '').replace(canon, other);
          expect(same(Buffer.from(edited.join('\n'))).ok).toBe(false);
        }
      }),
      { numRuns: scaled(300, 60) },
    );
  });

  it('never accepts a payload that is not canonical (mutations of canonical JSON)', () => {
    const edit = fc.tuple(fc.nat(), fc.constantFrom(...' "\\/{}[]:,.-+eE0123456789abcnftrul\u00e9\u2028'), fc.nat(2));
    fc.assert(
      fc.property(fc.dictionary(fc.string(), fc.jsonValue(), { maxKeys: 5 }), edit, (obj, [at, ch, op]) => {
        const c = canonicalJson(obj);
        const i = at % (c.length + 1);
        const s =
          op === 0
            ? c.slice(0, i) + ch + c.slice(i)
            : op === 1
              ? c.slice(0, i) + c.slice(i + 1)
              : c.slice(0, i) + ch + c.slice(i + 1);
        const b = Buffer.from(s);
        const end = canonicalObjectEnd(b, 0, b.length);
        if (end === b.length) expect(canonicalJson(JSON.parse(s))).toBe(s);
        else if (end >= 0)
          expect(canonicalJson(JSON.parse(b.toString('utf8', 0, end)))).toBe(b.toString('utf8', 0, end));
      }),
      { numRuns: scaled(2000, 300) },
    );
  });

  it('recognises canonical payloads of the usual shapes without the exact path', () => {
    for (const obj of [{}, { a: [1, -2, 0, 1.5, -0.25, 1e21, 2 ** 70], b: 'x\n"\\\t', c: null, d: true }]) {
      const b = Buffer.from(canonicalJson(obj));
      expect(canonicalObjectEnd(b, 0, b.length)).toBe(b.length);
    }
    for (const s of [
      '{"b":1,"a":2}',
      '{"a":1,"a":1}',
      '{ "a":1}',
      '{"a":-0}',
      '{"a":01}',
      '{"a":1.0}',
      '{"a":"\\u0041"}',
    ])
      expect(canonicalObjectEnd(Buffer.from(s), 0, s.length), s).toBe(-1);
  });
});
