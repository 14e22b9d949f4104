import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { formatRecordLine, makeRecord } from '../../../src/audit/log-format.js';
import { reportFromText } from '../../../src/audit/report/build.js';
import { openVerifyKey } from '../../../src/audit/sign.js';

/**
 * From a log's text to the report's integrity: the chain, the run's structure (nothing appended
 * after its run-end), the signatures (with the auditor's key when given) and the lines that
 * could not be read. The recorded sample logs (fixtures/logs/, written by
 * test/helpers/audit-scenarios.ts) are the inputs; each damage is made by hand.
 */

const at = (rel: string) => fileURLToPath(new URL(`../../../fixtures/${rel}`, import.meta.url));
const NOSPACE = readFileSync(at('logs/nospace-recovery.jsonl'), 'utf8');
const RESTORE = readFileSync(at('logs/restore-from-snapshot.jsonl'), 'utf8');
const KEY = openVerifyKey(at('keys/audit-test.pub'));
/** the hashes of the last two records of nospace-recovery.jsonl (seq 68 step-end, seq 69 run-end) */
const HASH_68 = 'a2be703804954c63988c4c449d140a017d0203d9a06960886c1b56ac2a3d4323';
const HASH_69 = '7f2a736a984e1197a9cd4613955f9c477b69b59c6ce612811e4f7694665a2f39';
const lines = (text: string) => text.split('\n').slice(0, -1);

describe('reportFromText', () => {
  it('an intact, complete, unsigned log: chain verified with its head, signatures "not signed"', () => {
    const r = reportFromText(NOSPACE);
    expect(r.integrity).toEqual({
      records: 69,
      chain: { ok: true, head: HASH_69 },
      complete: true,
      signatures: { ok: true, signed: false },
      unreadableLines: [],
    });
    expect(r.header?.runbook).toBe('nospace-recovery');
  });

  it('a signed log checks against the auditor key (pinned) or only the embedded one', () => {
    const pinned = reportFromText(RESTORE, KEY).integrity.signatures;
    const embedded = reportFromText(RESTORE).integrity.signatures;
    expect(pinned).toMatchObject({ ok: true, signed: true, pinned: true, sealed: true, fingerprint: KEY.fingerprint });
    expect(embedded).toMatchObject({
      ok: true,
      signed: true,
      pinned: false,
      sealed: true,
      fingerprint: KEY.fingerprint,
    });
  });

  it('a key given for an unsigned log fails the signatures, not the chain', () => {
    const i = reportFromText(NOSPACE, KEY).integrity;
    expect(i.chain.ok).toBe(true);
    expect(i.signatures).toEqual({
      ok: false,
      firstBadSeq: 1,
      reason: 'the log is not signed: its run-start names no key',
    });
  });

  it('a log cut before its run-end: intact but not complete, head at the last record kept', () => {
    const cut = `${lines(NOSPACE).slice(0, 68).join('\n')}\n`;
    const r = reportFromText(cut);
    expect(r.integrity).toMatchObject({ records: 68, chain: { ok: true, head: HASH_68 }, complete: false });
    expect(r.outcome.outcome).toBeNull();
  });

  it('an edited record: TAMPERED at it, signatures not checked, every record still read for the auditor', () => {
    const edited = NOSPACE.replace('"operator":"alice"', '"operator":"mallory"');
    expect(edited).not.toBe(NOSPACE);
    const r = reportFromText(edited);
    expect(r.integrity.chain).toMatchObject({ ok: false, firstBadSeq: 1 });
    expect(r.integrity.signatures).toEqual({
      ok: false,
      firstBadSeq: 1,
      reason: 'not checked: the log is tampered',
    });
    expect(r.integrity.records).toBe(69);
    expect(r.header?.operator).toBe('mallory');
  });

  it('a well-chained record appended after the final run-end fails like a broken chain', () => {
    const appended = makeRecord(
      'step-start',
      { step: 'extra', kind: 'command' },
      { seq: 70, time: '2026-11-24T03:20:00.000Z', prev: HASH_69 },
    );
    const r = reportFromText(`${NOSPACE}${formatRecordLine(appended)}\n`);
    expect(r.integrity.chain).toEqual({
      ok: false,
      firstBadSeq: 70,
      reason: 'step-start follows the run-end #69 but is not a resume record (appended after the run ended)',
    });
    expect(r.integrity.signatures).toEqual({ ok: false, firstBadSeq: 70, reason: 'not checked: the log is tampered' });
    expect(r.integrity.complete).toBe(false);
    expect(r.integrity.records).toBe(70);
  });

  it('an unreadable line is listed by line number; the records around it still read', () => {
    const ls = lines(NOSPACE);
    const damaged = `${[...ls.slice(0, 10), '{"v":1,"seq":11,"ti', ...ls.slice(11)].join('\n')}\n`;
    const r = reportFromText(damaged);
    expect(r.integrity.unreadableLines).toEqual([{ line: 11, reason: 'not valid JSON (edited or truncated)' }]);
    expect(r.integrity.records).toBe(68);
    expect(r.integrity.chain).toMatchObject({ ok: false, firstBadSeq: 11 });
    expect(r.integrity.complete).toBe(true);
  });

  it('an empty log: no header, nothing complete, the chain fails at line 1', () => {
    const r = reportFromText('');
    expect(r.header).toBeNull();
    expect(r.integrity).toMatchObject({ records: 0, complete: false, chain: { ok: false, firstBadSeq: 1 } });
  });
});
