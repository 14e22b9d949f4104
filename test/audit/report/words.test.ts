import { describe, expect, it } from 'vitest';
import type { ApprovalEntry, CommandEntry, Integrity, Report } from '../../../src/audit/report/model.js';
import {
  answerText,
  chainText,
  commandLine,
  commandStatus,
  fold,
  headerRows,
  howText,
  jsonInline,
  modeText,
  outcomeText,
  signatureText,
  titleOf,
} from '../../../src/audit/report/words.js';

/**
 * The sentences every report format shares. Each branch is written out by hand: an auditor reads
 * these words to decide whether to trust a run, so a changed word is a changed claim.
 */

const HEAD = 'a1b2c3d4e5f60718293a4b5c6d7e8f90a1b2c3d4e5f60718293a4b5c6d7e8f90';
const intact = (over: Partial<Integrity> = {}): Integrity => ({
  records: 57,
  chain: { ok: true, head: HEAD },
  complete: true,
  signatures: { ok: true, signed: false },
  unreadableLines: [],
  ...over,
});
const signed = (pinned: boolean, sealed: boolean): Integrity['signatures'] => ({
  ok: true,
  signed: true,
  fingerprint: 'SHA256:abc',
  pinned,
  signatures: 3,
  sealed,
  lastSigned: 40,
});

describe('commandLine: what the operator would type', () => {
  it('adds -n <node> in front of the argv', () => {
    expect(commandLine(['etcd', 'defrag'], '172.20.0.2')).toBe('talosctl -n 172.20.0.2 etcd defrag');
  });

  it('adds no node when the call had none, or the argv names one already', () => {
    expect(commandLine(['version', '--client'], null)).toBe('talosctl version --client');
    expect(commandLine(['etcd', 'members', '-n', '10.5.0.3'], '10.5.0.2')).toBe('talosctl etcd members -n 10.5.0.3');
    expect(commandLine(['etcd', 'members', '--nodes', '10.5.0.3'], '10.5.0.2')).toBe(
      'talosctl etcd members --nodes 10.5.0.3',
    );
  });

  it('quotes only what a shell would split or expand, and escapes single quotes', () => {
    expect(commandLine(['etcd', 'snapshot', '/var/backups/etcd 1.db'], null)).toBe(
      "talosctl etcd snapshot '/var/backups/etcd 1.db'",
    );
    expect(commandLine(['logs', "it's"], null)).toBe("talosctl logs 'it'\\''s'");
    expect(commandLine(['get', ''], null)).toBe("talosctl get ''");
    expect(commandLine(['x', '$(id)', 'a;b', '*'], null)).toBe("talosctl x '$(id)' 'a;b' '*'");
    // these need no quotes: word characters and @ % + = : , . / -
    expect(commandLine(['apply-config', '--mode=no-reboot', 'a@b%c+d:e,f.g/h-i'], null)).toBe(
      'talosctl apply-config --mode=no-reboot a@b%c+d:e,f.g/h-i',
    );
  });
});

describe('integrity sentences', () => {
  it('an intact, complete chain names its record count and the head (16 hex digits)', () => {
    expect(chainText(intact())).toBe('verified: 57 records, hash chain intact (head a1b2c3d4e5f60718…)');
  });

  it('an intact chain without a run-end says the run was interrupted or the log cut', () => {
    expect(chainText(intact({ complete: false }))).toBe(
      'verified: 57 records, hash chain intact (head a1b2c3d4e5f60718…); no run-end: the run was interrupted, or the log was cut',
    );
  });

  it('a broken chain says TAMPERED and where', () => {
    expect(chainText(intact({ chain: { ok: false, firstBadSeq: 12, reason: 'prev hash mismatch' } }))).toBe(
      'TAMPERED: record 12 fails (prev hash mismatch); records before it are intact',
    );
  });

  it('signatures: failed, unsigned, pinned or embedded, sealed or not', () => {
    expect(signatureText(intact({ signatures: { ok: false, firstBadSeq: 9, reason: 'bad signature' } }))).toBe(
      'FAILED at record 9: bad signature',
    );
    expect(signatureText(intact())).toBe(
      'not signed (anyone able to write the file could have rewritten the whole chain)',
    );
    expect(signatureText(intact({ signatures: signed(true, true) }))).toBe(
      'verified with the key you gave, SHA256:abc: 3 checkpoints, sealed by a signed run-end',
    );
    expect(signatureText(intact({ signatures: signed(true, false) }))).toBe(
      'verified with the key you gave, SHA256:abc: 3 checkpoints, NOT sealed: nothing after record 40 is signed',
    );
    expect(signatureText(intact({ signatures: signed(false, true) }))).toBe(
      'consistent with the key embedded in the log (SHA256:abc): 3 checkpoints, sealed by a signed run-end; not yet checked against a key you trust: run talos-dr log verify <file> --key <public key>',
    );
  });
});

describe('outcome and mode', () => {
  it('no run-end', () => {
    expect(outcomeText({ outcome: null, exitCode: null, endedAt: null, timeToRecoverMs: null })).toBe(
      'no run-end recorded: the run was interrupted, is still running, or the log was cut',
    );
  });

  it('an outcome with and without a time to recover', () => {
    expect(outcomeText({ outcome: 'done', exitCode: 0, endedAt: 'x', timeToRecoverMs: 471_200 })).toBe(
      'done (exit 0); time to recover 7 min 51 s (run start to run end)',
    );
    expect(outcomeText({ outcome: 'failed', exitCode: 1, endedAt: 'x', timeToRecoverMs: null })).toBe(
      'failed (exit 1)',
    );
    // zero is a time, not a missing one
    expect(outcomeText({ outcome: 'done', exitCode: 0, endedAt: 'x', timeToRecoverMs: 0 })).toBe(
      'done (exit 0); time to recover 0 ms (run start to run end)',
    );
  });

  it('dry run or live', () => {
    expect(modeText(true)).toBe('DRY RUN: no change was made to the cluster');
    expect(modeText(false)).toBe('live run: changes were made to the cluster');
  });
});

const cmd = (over: Partial<CommandEntry>): CommandEntry => ({
  kind: 'command',
  seq: 3,
  time: 't',
  step: 's',
  argv: ['etcd', 'defrag'],
  node: '10.5.0.2',
  effect: 'disruptive',
  exitCode: 0,
  durationMs: 1500,
  timedOut: false,
  stdout: '',
  stderr: '',
  status: 'ok',
  ...over,
});

describe('commandStatus: each status in words', () => {
  it('ok, failed, timed out, not asked, no result', () => {
    expect(commandStatus(cmd({}))).toBe('exit 0 in 1.5 s');
    expect(commandStatus(cmd({ status: 'failed', exitCode: 2, durationMs: 800 }))).toBe('FAILED: exit 2 after 800 ms');
    expect(commandStatus(cmd({ status: 'failed', exitCode: null }))).toBe('FAILED: exit none (killed) after 1.5 s');
    expect(commandStatus(cmd({ status: 'timed out', timedOut: true, exitCode: null, durationMs: 30_000 }))).toBe(
      'TIMED OUT after 30.0 s (killed)',
    );
    expect(
      commandStatus(cmd({ status: 'timed out', timedOut: true, notAsked: '10.5.0.2 timed out at record 7' })),
    ).toBe('NOT ASKED: the node did not answer (10.5.0.2 timed out at record 7)');
    expect(commandStatus(cmd({ status: 'no result', exitCode: null, durationMs: null }))).toBe(
      'NO RESULT RECORDED (outcome unknown)',
    );
  });
});

describe('approvals in words', () => {
  const FP = 'f'.repeat(64);
  const req = (answer?: ApprovalEntry['answer']): ApprovalEntry => ({
    kind: 'approval',
    seq: 6,
    time: 't',
    step: 'remove',
    prompt: 'p',
    token: 'REMOVE',
    fingerprint: FP,
    ...(answer ? { answer } : {}),
    evidence: [],
  });

  it('how it was given', () => {
    expect(howText('tty')).toBe('typed at the terminal');
    expect(howText('flag')).toBe('given by a command-line flag (no prompt shown)');
  });

  it('no answer, approved, declined, and an answer to a state other than the one asked about', () => {
    expect(answerText(req())).toBe('no answer recorded');
    expect(answerText(req({ seq: 7, who: 'alice', how: 'tty', when: 'T7', approved: true, fingerprint: FP }))).toBe(
      'APPROVED by alice, typed at the terminal, at T7',
    );
    expect(answerText(req({ seq: 7, who: 'bob', how: 'flag', when: 'T7', approved: false, fingerprint: FP }))).toBe(
      'DECLINED by bob, given by a command-line flag (no prompt shown), at T7',
    );
    const other = `0123456789abcdef${'0'.repeat(48)}`;
    expect(answerText(req({ seq: 7, who: 'alice', how: 'tty', when: 'T7', approved: true, fingerprint: other }))).toBe(
      'APPROVED by alice, typed at the terminal, at T7 (state 0123456789abcdef…, differs from the request)',
    );
  });
});

describe('fold: first 6 and last 4 lines of long output', () => {
  const lines = (n: number) => Array.from({ length: n }, (_, i) => `l${i + 1}`);

  it('empty output is no lines', () => {
    expect(fold('')).toEqual({ lines: [], folded: 0 });
  });

  it('up to head + tail + 2 lines are shown whole (folding 1 or 2 lines saves nothing)', () => {
    expect(fold(`${lines(12).join('\n')}\n`)).toEqual({ lines: lines(12), folded: 0 });
    expect(fold('one')).toEqual({ lines: ['one'], folded: 0 });
  });

  it('13 lines: 6, a fold of 3, 4', () => {
    expect(fold(lines(13).join('\n'))).toEqual({
      lines: ['l1', 'l2', 'l3', 'l4', 'l5', 'l6', '… 3 lines folded …', 'l10', 'l11', 'l12', 'l13'],
      folded: 3,
    });
  });

  it('takes other head and tail sizes', () => {
    expect(fold(lines(6).join('\n'), 1, 1)).toEqual({ lines: ['l1', '… 4 lines folded …', 'l6'], folded: 4 });
    expect(fold(lines(4).join('\n'), 1, 1)).toEqual({ lines: lines(4), folded: 0 });
  });

  it('drops one trailing newline only', () => {
    expect(fold('a\n\n')).toEqual({ lines: ['a', ''], folded: 0 });
  });
});

describe('jsonInline and the title', () => {
  it('strings bare, anything else as JSON', () => {
    expect(jsonInline({ node: '172.20.0.2', nodes: ['a', 'b'], count: 3, ok: false, none: null })).toBe(
      'node=172.20.0.2 nodes=["a","b"] count=3 ok=false none=null',
    );
    expect(jsonInline({})).toBe('');
  });

  it('the title names the runbook, or says there was no run-start', () => {
    const base = { integrity: intact(), deviations: [], approvals: [], timeline: [] };
    const outcome = { outcome: null, exitCode: null, endedAt: null, timeToRecoverMs: null };
    expect(titleOf({ ...base, outcome, header: null })).toBe('Run report (no run-start record)');
    expect(titleOf({ ...base, outcome, header: header({}) })).toBe('Run report: runbooks/nospace.yaml');
  });
});

function header(over: Partial<NonNullable<Report['header']>>): NonNullable<Report['header']> {
  return {
    runbook: 'runbooks/nospace.yaml',
    runbookSha256: 'abc123',
    operator: 'alice',
    host: 'bastion',
    startedAt: '2026-11-24T03:12:05.000Z',
    toolVersion: '0.9.0',
    talosctlVersion: 'v1.10.3',
    dryRun: false,
    nodes: ['10.5.0.2', '10.5.0.3'],
    params: [
      { name: 'nodes', value: '10.5.0.2,10.5.0.3' },
      { name: 'node', value: '10.5.0.2' },
    ],
    ...over,
  };
}

describe('headerRows: the header and how each row should be read', () => {
  const report = (over: Partial<Report>): Report => ({
    header: header({}),
    integrity: intact(),
    outcome: { outcome: 'done', exitCode: 0, endedAt: 'x', timeToRecoverMs: 1000 },
    deviations: [],
    approvals: [],
    timeline: [],
    ...over,
  });

  it('a live, complete, unsigned run: every header row, outcome ok, signatures a warning', () => {
    expect(headerRows(report({}))).toEqual([
      ['Runbook', 'runbooks/nospace.yaml (sha256 abc123)', undefined],
      ['Operator', 'alice on host bastion', undefined],
      ['Started', '2026-11-24T03:12:05.000Z', undefined],
      ['Cluster', 'control plane nodes 10.5.0.2, 10.5.0.3', undefined],
      ['Parameters', 'nodes=10.5.0.2,10.5.0.3  node=10.5.0.2', undefined],
      ['Tools', 'talos-dr 0.9.0, talosctl v1.10.3', undefined],
      ['Mode', 'live run: changes were made to the cluster', undefined],
      ['Outcome', 'done (exit 0); time to recover 1.0 s (run start to run end)', 'ok'],
      ['Chain', 'verified: 57 records, hash chain intact (head a1b2c3d4e5f60718…)', 'ok'],
      ['Signatures', 'not signed (anyone able to write the file could have rewritten the whole chain)', 'warn'],
    ]);
  });

  it('a dry run is a warning; no nodes and an unknown talosctl are said so', () => {
    const rows = headerRows(report({ header: header({ dryRun: true, nodes: [], talosctlVersion: null }) }));
    expect(rows.find((r) => r[0] === 'Mode')).toEqual(['Mode', 'DRY RUN: no change was made to the cluster', 'warn']);
    expect(rows.find((r) => r[0] === 'Cluster')?.[1]).toBe('no nodes parameter');
    expect(rows.find((r) => r[0] === 'Tools')?.[1]).toBe('talos-dr 0.9.0, talosctl version unknown');
  });

  it('no run-start: only outcome, chain and signatures', () => {
    expect(headerRows(report({ header: null })).map((r) => r[0])).toEqual(['Outcome', 'Chain', 'Signatures']);
  });

  it('tones: a failed or missing outcome and a broken chain are bad; a pinned signature is ok, an embedded one a warning', () => {
    const tone = (r: Report, label: string) => headerRows(r).find((x) => x[0] === label)?.[2];
    expect(
      tone(report({ outcome: { outcome: 'failed', exitCode: 1, endedAt: 'x', timeToRecoverMs: 5 } }), 'Outcome'),
    ).toBe('bad');
    expect(
      tone(report({ outcome: { outcome: null, exitCode: null, endedAt: null, timeToRecoverMs: null } }), 'Outcome'),
    ).toBe('bad');
    expect(tone(report({ integrity: intact({ chain: { ok: false, firstBadSeq: 2, reason: 'x' } }) }), 'Chain')).toBe(
      'bad',
    );
    expect(tone(report({ integrity: intact({ signatures: signed(true, true) }) }), 'Signatures')).toBe('ok');
    expect(tone(report({ integrity: intact({ signatures: signed(true, false) }) }), 'Signatures')).toBe('ok');
    expect(tone(report({ integrity: intact({ signatures: signed(false, true) }) }), 'Signatures')).toBe('warn');
    expect(
      tone(report({ integrity: intact({ signatures: { ok: false, firstBadSeq: 3, reason: 'x' } }) }), 'Signatures'),
    ).toBe('bad');
  });

  it('one bad row per unreadable line, after the signatures', () => {
    const rows = headerRows(
      report({
        integrity: intact({
          unreadableLines: [
            { line: 4, reason: 'not JSON' },
            { line: 9, reason: 'unknown record type' },
          ],
        }),
      }),
    );
    expect(rows.slice(-2)).toEqual([
      ['Unreadable', 'line 4: not JSON', 'bad'],
      ['Unreadable', 'line 9: unknown record type', 'bad'],
    ]);
  });
});
