import { generateKeyPairSync } from 'node:crypto';
import { rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import fc from 'fast-check';
import { afterAll, describe, expect, it } from 'vitest';
import type { AnyRecord } from '../../src/audit/log-format.js';
import { logVerify } from '../../src/audit/log-verify.js';
import { signerFromKey } from '../../src/audit/sign.js';
import { Journal } from '../../src/engine/journal.js';
import { isTalosDrError } from '../../src/io/errors.js';
import { FULL_SCALE, sampled, scaled } from '../helpers/scale.js';
import { forged, rechain, recordsOf, writeSignedSegments } from '../helpers/signed-segments.js';

/**
 * Attacks on a signed log of three segments (the run, exit 3; a resume, exit 130; a resume, exit
 * 0) by someone without the private key: cut, delete, reorder, edit, insert or append at every
 * record, re-chaining the hashes as an attacker would. Every attacked log must be rejected by
 * `log verify --key` naming a record, or reported as ending at a resumable stop; with the
 * witness its run left, every one must be rejected; and `resume --sign-key` must refuse every one.
 */

const base = writeSignedSegments();
const pub = join(base.dir, 'ops.pub');
writeFileSync(pub, base.signer.info.publicKey);
const ORIGINAL = recordsOf(base.text);
const N = ORIGINAL.length;
afterAll(() => rmSync(base.dir, { recursive: true, force: true }));

interface Verdict {
  code: number;
  out: string;
}

let caseNo = 0;
function verify(text: string, opts: { key?: boolean; witness?: boolean } = {}): Verdict {
  const file = join(base.dir, `case-${caseNo++}.jsonl`);
  writeFileSync(file, text);
  let out = '';
  const write = (t: string) => {
    out += t;
  };
  const io = { stdout: { write }, stderr: { write } };
  try {
    const code = logVerify(
      file,
      { ...(opts.key ? { key: pub } : {}), ...(opts.witness ? { witness: join(base.dir, 'state') } : {}) },
      io,
    );
    return { code, out };
  } catch (e) {
    if (isTalosDrError(e)) return { code: e.exitCode, out: `${out}${e.message}` };
    throw e;
  } finally {
    rmSync(file, { force: true });
  }
}

function resumeRefuses(text: string): boolean {
  const file = join(base.dir, `resume-${caseNo++}.jsonl`);
  writeFileSync(file, text);
  try {
    const r = Journal.resume(file, {
      signer: base.signer,
      witnessDir: base.witness.headsDir,
      sink: { append() {}, sync() {}, close() {} },
    });
    r.journal.close();
    return false;
  } catch (e) {
    if (isTalosDrError(e)) return true;
    throw e;
  } finally {
    rmSync(file, { force: true });
  }
}

const NAMED = /record \d+/;
const RESUMABLE = /\nends (at a resumable stop|without a run-end)/;

type Mutation = { name: string; text: string };

function lines(text: string): string[] {
  return text.split('\n').filter(Boolean);
}

/** Every single attack at every record. */
function mutations(): Mutation[] {
  const out: Mutation[] = [];
  const L = lines(base.text);
  const join1 = (ls: string[]) => ls.map((l) => `${l}\n`).join('');
  for (let i = 0; i < N; i++) {
    const at = `#${i + 1} ${ORIGINAL[i]?.type}`;
    out.push({ name: `cut after ${i} records (before ${at})`, text: join1(L.slice(0, i)) });
    out.push({ name: `cut inside ${at}`, text: join1(L.slice(0, i)) + (L[i] ?? '').slice(0, 40) });
    out.push({ name: `delete ${at}`, text: join1(L.filter((_, k) => k !== i)) });
    out.push({
      name: `delete ${at}, re-chained`,
      text: rechain(ORIGINAL.filter((_, k) => k !== i)),
    });
    if (i + 1 < N) {
      const sw = [...ORIGINAL];
      [sw[i], sw[i + 1]] = [sw[i + 1] as AnyRecord, sw[i] as AnyRecord];
      out.push({ name: `swap ${at} with the next`, text: rechain(sw) });
    }
    const edited = ORIGINAL.map((r, k) => (k === i ? ({ ...r, time: '2026-11-24T09:09:09.000Z' } as AnyRecord) : r));
    out.push({
      name: `edit ${at}`,
      text: join1(L.map((l, k) => (k === i ? l.replace(/"time":"[^"]+"/, '"time":"2026-11-24T09:09:09.000Z"') : l))),
    });
    out.push({ name: `edit ${at}, re-chained`, text: rechain(edited) });
    if (ORIGINAL[i]?.sig !== undefined) {
      const { sig: _drop, ...rest } = ORIGINAL[i] as AnyRecord;
      out.push({
        name: `strip the signature of ${at}`,
        text: rechain(ORIGINAL.map((r, k) => (k === i ? (rest as AnyRecord) : r))),
      });
    }
    for (const kind of ['override', 'resume'] as const) {
      const ins = [...ORIGINAL.slice(0, i + 1), forged(kind), ...ORIGINAL.slice(i + 1)];
      out.push({ name: `insert a forged ${kind} after ${at}, re-chained`, text: rechain(ins) });
      out.push({
        name: `cut after ${at} and append a forged ${kind}`,
        text: rechain([...ORIGINAL.slice(0, i + 1), forged(kind)]),
      });
    }
  }
  // a whole log re-signed with another key (the attacker's own), embedded key replaced
  const other = signerFromKey(generateKeyPairSync('ed25519').privateKey);
  const re = ORIGINAL.map((r) =>
    r.type === 'run-start' ? ({ ...r, payload: { ...r.payload, signing: other.info } } as AnyRecord) : r,
  );
  out.push({ name: 'embedded key replaced (re-chained, old signatures kept)', text: rechain(re) });
  return out.filter((m) => m.text !== base.text);
}

describe('attacks on a signed multi-segment log', () => {
  it('the untouched log verifies, with segments, ending and witness named', () => {
    const v = verify(base.text, { key: true, witness: true });
    expect(v.code).toBe(0);
    expect(v.out).toContain('segments: 3 (the run and 2 resume(s))');
    expect(v.out).toContain('1. records 1–10: the run, run-end #10 stopped-at-gate (exit 3); signed');
    expect(v.out).toContain('2. records 11–21: a resume, run-end #21 interrupted (exit 130); signed');
    expect(v.out).toContain(`3. records 22–${N}: a resume, run-end #${N} done (exit 0); signed`);
    expect(v.out).toContain(`sealed by the signed run-end #${N}`);
    expect(v.out).toContain(`ends at a final outcome: run-end #${N} done (exit 0)`);
    expect(v.out).toContain('the witness agrees');
  });

  // unit: a seeded third of the cases of each kind of attack; the properties project: every one
  const every = mutations();
  const kindOf = (m: Mutation) => m.name.replace(/#\d+ [\w-]+|\d+/g, '');
  // a third of each kind's cases (all of a kind with fewer than 3), by the run's seed
  const all = every.filter((m) => {
    const same = every.filter((x) => kindOf(x) === kindOf(m));
    return same.length < 3 || sampled(same.indexOf(m), 3);
  });

  it('tries every kind of attack at either scale', () => {
    expect(new Set(all.map(kindOf))).toEqual(new Set(every.map(kindOf)));
    expect(new Set(every.map(kindOf)).size).toBeGreaterThan(8);
  });

  it(`${FULL_SCALE ? 'every single attack at every record' : 'a seeded third of the single attacks at every record'} (${all.length} of ${every.length} cases): rejected naming a record, or a resumable stop; caught by the witness; refused by resume`, () => {
    const counts = { rejected: 0, resumableWithoutWitness: 0, caughtByWitness: 0, resumeRefused: 0 };
    const escapes: string[] = [];
    for (const m of all) {
      const k = verify(m.text, { key: true });
      if (k.code === 1 && NAMED.test(k.out)) counts.rejected++;
      else if (k.code === 0 && RESUMABLE.test(k.out)) counts.resumableWithoutWitness++;
      else escapes.push(`--key: ${m.name}: exit ${k.code}: ${k.out}`);
      const w = verify(m.text, { key: true, witness: true });
      if (w.code !== 0 && NAMED.test(w.out)) counts.caughtByWitness++;
      else escapes.push(`--witness: ${m.name}: exit ${w.code}: ${w.out}`);
      if (resumeRefuses(m.text)) counts.resumeRefused++;
      else escapes.push(`resume accepted: ${m.name}`);
    }
    process.stdout.write(`attack cases: ${all.length}; ${JSON.stringify(counts)}\n`);
    expect(escapes).toEqual([]);
    expect(counts.rejected + counts.resumableWithoutWitness).toBe(all.length);
    expect(counts.caughtByWitness).toBe(all.length);
    expect(counts.resumeRefused).toBe(all.length);
  });

  it('a log cut at each signed checkpoint: "a later resume may exist" without the witness, cut with it', () => {
    const L = lines(base.text);
    for (const end of base.ends.slice(0, -1)) {
      const text = L.slice(0, end)
        .map((l) => `${l}\n`)
        .join('');
      const k = verify(text, { key: true });
      expect(k.code).toBe(0);
      expect(k.out).toMatch(
        /ends at a resumable stop: run-end #\d+ \w[\w-]* \(exit (3|130)\); a later resume may exist/,
      );
      expect(k.out).toContain('a signature cannot show that nothing came after record');
      const w = verify(text, { key: true, witness: true });
      expect(w.code).toBe(1);
      expect(w.out).toContain(`the log is cut: the witness saw record ${N}`);
    }
  });

  it('without --key: a forged record after a signed run-end is refused, and an unsigned tail is named', () => {
    const after = rechain([...ORIGINAL.slice(0, base.ends[0]), forged('override')]);
    const v = verify(after);
    expect(v.code).toBe(1);
    expect(v.out).toContain(`record ${(base.ends[0] ?? 0) + 1}: deviation follows the run-end #${base.ends[0]}`);
    // a crash-like tail after a signed approval: intact chain, named as covered by no signature
    const tail = rechain([...ORIGINAL.slice(0, 5), forged('override')]);
    const t = verify(tail);
    expect(t.code).toBe(0);
    expect(t.out).toContain(
      'UNSIGNED TAIL: records 5–6 (step-start #5, deviation #6): after the last signed checkpoint #4, covered by no signature',
    );
    expect(t.out).toContain('ends without a run-end after record 6');
  });

  it('random compositions of attacks (fast-check, seeded by the run)', () => {
    let n = 0;
    fc.assert(
      fc.property(
        fc.array(
          fc.record({
            op: fc.constantFrom('cut', 'delete', 'swap', 'edit', 'insert', 'strip'),
            at: fc.nat({ max: N - 1 }),
          }),
          { minLength: 1, maxLength: 4 },
        ),
        (ops) => {
          let recs = [...ORIGINAL];
          for (const { op, at } of ops) {
            const i = Math.min(at, recs.length - 1);
            if (i < 0) break;
            if (op === 'cut') recs = recs.slice(0, i + 1);
            else if (op === 'delete') recs = recs.filter((_, k) => k !== i);
            else if (op === 'swap' && i + 1 < recs.length)
              [recs[i], recs[i + 1]] = [recs[i + 1] as AnyRecord, recs[i] as AnyRecord];
            else if (op === 'edit')
              recs = recs.map((r, k) => (k === i ? ({ ...r, time: '2026-01-01T00:00:00.000Z' } as AnyRecord) : r));
            else if (op === 'insert') recs = [...recs.slice(0, i + 1), forged('override'), ...recs.slice(i + 1)];
            else if (op === 'strip') recs = recs.map((r, k) => (k === i ? ({ ...r, sig: undefined } as AnyRecord) : r));
          }
          const text = rechain(recs);
          if (text === base.text || recs.length === 0) return;
          n++;
          const k = verify(text, { key: true });
          expect(k.code === 1 ? NAMED.test(k.out) : k.code === 0 && RESUMABLE.test(k.out)).toBe(true);
          const w = verify(text, { key: true, witness: true });
          expect(w.code).not.toBe(0);
          expect(resumeRefuses(text)).toBe(true);
        },
      ),
      { numRuns: scaled(1000, 120) },
    );
    process.stdout.write(`random attack compositions checked: ${n}\n`);
  });
});
