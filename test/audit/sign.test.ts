import { generateKeyPairSync } from 'node:crypto';
import { mkdtempSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { formatRecordLine, hashRecord } from '../../src/audit/log-format.js';
import {
  generateKeyFiles,
  openSigner,
  openVerifyKey,
  signerFromKey,
  type VerifyKey,
  verifyKeyFromPem,
} from '../../src/audit/sign.js';
import { verifyJournal } from '../../src/audit/verify.js';
import { verifySignatures } from '../../src/audit/verify-signatures.js';
import { Journal } from '../../src/engine/journal.js';
import { isTalosDrError } from '../../src/io/errors.js';
import { memorySink, steppingClock, writeSampleRun } from '../helpers/sample-log.js';

const dirs: string[] = [];
afterEach(() => {
  for (const d of dirs.splice(0)) rmSync(d, { recursive: true, force: true });
});
function tmp(): string {
  const d = mkdtempSync(join(tmpdir(), 'tdr-sign-'));
  dirs.push(d);
  return d;
}

const signer = signerFromKey(generateKeyPairSync('ed25519').privateKey);
const key = verifyKeyFromPem(signer.info.publicKey) as VerifyKey;

function signedSample(): string {
  const sink = memorySink();
  writeSampleRun(Journal.create('unused', { sink, clock: steppingClock(), signer }));
  return sink.text();
}

/** What `log verify --key` decides: the chain first, then the signatures, sealed. */
function verifyWithKey(
  text: string,
  k: VerifyKey = key,
): { ok: true } | { ok: false; firstBadSeq: number; reason: string } {
  const v = verifyJournal(text);
  if (!v.ok) return v;
  const s = verifySignatures(v.records, { key: k, requireSealed: true });
  return s.ok ? { ok: true } : s;
}

function lineOf(buf: Buffer, i: number): number {
  let n = 1;
  for (let j = 0; j < i; j++) if (buf[j] === 0x0a) n++;
  return n;
}

describe('signed logs', () => {
  it('signs run-start (naming the key), approvals and run-end; the untouched log passes', () => {
    const text = signedSample();
    const lines = text
      .trimEnd()
      .split('\n')
      .map((l) => JSON.parse(l));
    expect(lines.filter((r) => r.sig).map((r) => r.type)).toEqual(['run-start', 'approval', 'run-end']);
    expect(lines[0].payload.signing).toEqual(signer.info);
    expect(verifyWithKey(text)).toEqual({ ok: true });
  });

  it('signs the result of an irreversible command, not of a mutating one', () => {
    const sink = memorySink();
    const j = Journal.create('unused', { sink, clock: steppingClock(), signer });
    writeSampleRun(j); // a mutating defrag: its result is not a checkpoint
    const intent = {
      step: 'wipe',
      argv: ['reset', '--graceful=false'],
      node: '127.0.0.12',
      effect: 'irreversible' as const,
    };
    j.append('command-intent', intent);
    const r = j.append('command-result', {
      ...intent,
      exitCode: 0,
      durationMs: 5,
      stdout: '',
      stderr: '',
      timedOut: false,
    });
    expect(r.sig).toMatch(/^ed25519:[A-Za-z0-9+/]{86}==$/);
    const types = sink
      .text()
      .trimEnd()
      .split('\n')
      .map((l) => JSON.parse(l))
      .filter((x) => x.sig)
      .map((x) => x.type);
    expect(types).toEqual(['run-start', 'approval', 'run-end', 'command-result']);
  });

  it('fails every single-byte edit, naming the record that holds the byte', () => {
    const original = Buffer.from(signedSample(), 'utf8');
    let sigBytes = 0;
    for (let i = 0; i < original.length; i++) {
      const edited = Buffer.from(original);
      edited[i] = ((original[i] ?? 0) ^ 0x01) & 0xff;
      const v = verifyWithKey(edited.toString('utf8'));
      if (v.ok) throw new Error(`edit at byte ${i} went undetected`);
      expect(v.firstBadSeq, `byte ${i}: ${v.reason}`).toBe(lineOf(original, i));
      if (v.reason.startsWith('signature')) sigBytes++;
    }
    // edits inside signatures pass the hash chain and are caught by the signature check alone
    expect(sigBytes).toBeGreaterThan(3 * 80);
  });

  it('fails a deleted, reordered or appended record and a truncated file', () => {
    const lines = signedSample().split('\n').slice(0, -1);
    const text = (ls: string[]) => `${ls.join('\n')}\n`;
    expect(verifyWithKey(text([...lines.slice(0, 4), ...lines.slice(5)]))).toMatchObject({ ok: false, firstBadSeq: 5 });
    const swapped = [...lines];
    [swapped[6], swapped[7]] = [swapped[7] ?? '', swapped[6] ?? ''];
    expect(verifyWithKey(text(swapped))).toMatchObject({ ok: false, firstBadSeq: 7 });
    // an attacker appends a well-chained record after the signed run-end: nothing signs it
    const last = JSON.parse(lines[lines.length - 1] ?? '');
    const extra = {
      v: 1,
      seq: last.seq + 1,
      time: last.time,
      type: 'deviation' as const,
      payload: { step: null, kind: 'skip' as const, detail: 'forged' },
      prev: last.hash,
      hash: '',
    };
    extra.hash = hashRecord(extra);
    const appended = verifyWithKey(text([...lines, formatRecordLine(extra)]));
    expect(appended).toMatchObject({ ok: false, firstBadSeq: 11 });
    // cut cleanly after a whole record: the chain alone accepts it, the seal does not
    const cut = text(lines.slice(0, 8));
    expect(verifyJournal(cut).ok).toBe(true);
    expect(verifyWithKey(cut)).toMatchObject({ ok: false, firstBadSeq: 8 });
    expect(verifyWithKey(`${text(lines).slice(0, -40)}`)).toMatchObject({ ok: false, firstBadSeq: 10 });
  });

  it('fails with a wrong key, a missing final signature, or a log stripped of its signing', () => {
    const text = signedSample();
    const other = verifyKeyFromPem(
      signerFromKey(generateKeyPairSync('ed25519').privateKey).info.publicKey,
    ) as VerifyKey;
    const wrong = verifyWithKey(text, other);
    expect(wrong).toMatchObject({ ok: false, firstBadSeq: 1 });
    if (!wrong.ok) expect(wrong.reason).toMatch(/^signed with key sha256:[0-9a-f]{64}, not with the key given/);
    const unsealed = text.replace(/,"sig":"[^"]+"}\n$/, '}\n');
    const u = verifyWithKey(unsealed);
    expect(u).toMatchObject({ ok: false, firstBadSeq: 10 });
    if (!u.ok) expect(u.reason).toBe('run-end is a checkpoint of a signed run but carries no signature');
    // a whole unsigned log (rewritten from scratch) keeps its chain but fails --key
    const sink = memorySink();
    writeSampleRun(Journal.create('unused', { sink, clock: steppingClock() }));
    expect(verifyWithKey(sink.text())).toMatchObject({
      ok: false,
      firstBadSeq: 1,
      reason: 'the log is not signed: its run-start names no key',
    });
  });

  it('keygen writes a 0600 PKCS8 private key and an SPKI public key, never overwriting', () => {
    const base = join(tmp(), 'ops');
    const k = generateKeyFiles(base);
    expect(statSync(k.keyPath).mode & 0o777).toBe(0o600);
    expect(readFileSync(k.keyPath, 'utf8')).toMatch(/^-----BEGIN PRIVATE KEY-----\n/);
    expect(readFileSync(k.pubPath, 'utf8')).toMatch(/^-----BEGIN PUBLIC KEY-----\n/);
    expect(openSigner(k.keyPath).info.keyFingerprint).toBe(k.fingerprint);
    expect(openVerifyKey(k.pubPath).fingerprint).toBe(k.fingerprint);
    expect(() => generateKeyFiles(base)).toThrow(/already exists; keygen never overwrites a key/);
  });

  it('openSigner and openVerifyKey give typed exit-2 errors for missing, swapped or foreign keys', () => {
    const d = tmp();
    const k = generateKeyFiles(join(d, 'ops'));
    const rsa = join(d, 'rsa.key');
    writeFileSync(
      rsa,
      generateKeyPairSync('rsa', { modulusLength: 1024 }).privateKey.export({ type: 'pkcs8', format: 'pem' }),
    );
    const garbage = join(d, 'garbage.key');
    writeFileSync(garbage, 'not a key\n');
    const cases: [() => unknown, string, RegExp][] = [
      [() => openSigner(join(d, 'nope.key')), 'TDR_SIGN_KEY_MISSING', /nope\.key: no such key file/],
      [() => openSigner(k.pubPath), 'TDR_SIGN_KEY_INVALID', /this is a public key; signing needs the private/],
      [() => openSigner(rsa), 'TDR_SIGN_KEY_INVALID', /a rsa key, not ed25519/],
      [() => openSigner(garbage), 'TDR_SIGN_KEY_INVALID', /not a PEM private key/],
      [() => openVerifyKey(k.keyPath), 'TDR_SIGN_KEY_INVALID', /this is a private key/],
    ];
    for (const [f, code, text] of cases) {
      try {
        f();
        throw new Error(`expected ${code}`);
      } catch (e) {
        if (!isTalosDrError(e)) throw e;
        expect(e.code).toBe(code);
        expect(e.exitCode).toBe(2);
        expect(e.message).toMatch(text);
      }
    }
  });

  it('resume continues a signed log only with the same key, and keeps it verifiable', () => {
    const path = join(tmp(), 'run.jsonl');
    const clock = steppingClock();
    const j = Journal.create(path, { clock, signer });
    const full = signedSample().split('\n');
    j.close();
    writeFileSync(path, `${full.slice(0, 7).join('\n')}\n`); // interrupted before the approval
    expect(() => Journal.resume(path, { clock })).toThrow(/its run must continue signed/);
    const other = signerFromKey(generateKeyPairSync('ed25519').privateKey);
    expect(() => Journal.resume(path, { clock, signer: other })).toThrow(/the log is signed with key sha256:/);
    const { journal } = Journal.resume(path, { clock, signer });
    journal.append('approval', {
      step: 'disarm',
      who: 'alice',
      how: 'tty',
      when: 'x',
      fingerprint: 'f'.repeat(64),
      approved: true,
    });
    journal.append('run-end', { outcome: 'done', exitCode: 0 });
    journal.close();
    expect(verifyWithKey(readFileSync(path, 'utf8'))).toEqual({ ok: true });
  });
});
