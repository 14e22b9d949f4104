import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, describe, expect, it } from 'vitest';
import { renderHtml } from '../../src/audit/report/html.js';
import { renderReport, reportFromText } from '../../src/audit/report/index.js';
import { renderMarkdown } from '../../src/audit/report/markdown.js';
import { renderText } from '../../src/audit/report/text.js';
import { openSigner, openVerifyKey } from '../../src/audit/sign.js';
import { Journal } from '../../src/engine/journal.js';
import { writeNospaceRun, writeRestoreRun } from '../helpers/audit-scenarios.js';
import { memorySink, steppingClock } from '../helpers/sample-log.js';

const LOGS = fileURLToPath(new URL('../../fixtures/logs/', import.meta.url));
const KEYS = fileURLToPath(new URL('../../fixtures/keys/', import.meta.url));
const read = (name: string) => readFileSync(join(LOGS, name), 'utf8');
const tmp = mkdtempSync(join(tmpdir(), 'tdr-report-'));
afterAll(() => rmSync(tmp, { recursive: true, force: true }));

const REGEN = 'the report changed: if that is intended, run `npm run gen:audit-fixtures` and review the diff';

describe('golden reports of the sample logs', () => {
  for (const name of ['nospace-recovery', 'restore-from-snapshot']) {
    for (const [ext, format] of [
      ['txt', 'text'],
      ['md', 'md'],
      ['json', 'json'],
    ] as const) {
      it(`${name} as ${format}`, () => {
        const report = reportFromText(read(`${name}.jsonl`));
        expect(renderReport(format, report), REGEN).toBe(read(`${name}.golden.${ext}`));
      });
    }
  }

  it('the sample logs are what the scenarios write today (byte for byte, signatures included)', () => {
    const signer = openSigner(join(KEYS, 'audit-test.key'));
    writeNospaceRun(join(tmp, 'n.jsonl'));
    writeRestoreRun(join(tmp, 'r.jsonl'), signer);
    expect(readFileSync(join(tmp, 'n.jsonl'), 'utf8'), REGEN).toBe(read('nospace-recovery.jsonl'));
    expect(readFileSync(join(tmp, 'r.jsonl'), 'utf8'), REGEN).toBe(read('restore-from-snapshot.jsonl'));
  });
});

describe('the report model', () => {
  const nospace = reportFromText(read('nospace-recovery.jsonl'));
  const restore = reportFromText(read('restore-from-snapshot.jsonl'), openVerifyKey(join(KEYS, 'audit-test.pub')));

  it("answers a choice's check yes or no in every format: a branch taken is not a FAIL", () => {
    const report = reportFromText(read('restore-from-snapshot.jsonl'));
    const choice = report.timeline.find((e) => e.kind === 'check' && e.step === 'quorum-lost');
    expect(choice).toMatchObject({ kind: 'check', verdict: 'fail', answer: 'no' });
    expect(renderText(report)).toContain('CHECK leader-elected: answered no, ');
    expect(renderText(report)).not.toContain('CHECK leader-elected: FAIL');
    expect(renderMarkdown(report)).toContain('**Check leader-elected: answered no**');
    expect(renderHtml(report)).toContain('<span class="answer">answered no</span>');
    // a check of any other step keeps its verdict
    const gate = report.timeline.find((e) => e.kind === 'check' && e.step !== 'quorum-lost');
    expect(gate).toBeTruthy();
    expect(gate && 'answer' in gate).toBe(false);
  });

  it('lists the deviations of the NOSPACE run: the timed-out defrag, its retry, the flag approval', () => {
    expect(nospace.deviations.map((d) => [d.seq, d.what])).toEqual([
      [16, 'command timed out'],
      [17, 'retry'],
      [54, 'approval by flag'],
    ]);
    expect(nospace.outcome).toEqual({
      outcome: 'done',
      exitCode: 0,
      endedAt: '2026-11-24T03:19:56.200Z',
      timeToRecoverMs: 471_200,
    });
  });

  it('lists the deviations of the restore: voided approval, missing result, resume, resolution', () => {
    expect(restore.deviations.map((d) => d.what)).toEqual([
      'approval voided',
      'no result recorded',
      'resumed after an interruption',
      'outcome unknown, resolved',
    ]);
    expect(restore.integrity.signatures).toMatchObject({
      ok: true,
      signed: true,
      pinned: true,
      sealed: true,
      signatures: 13,
    });
  });

  it('ties each wipe approval to who typed it, the token, and the command on which node it authorised', () => {
    const wipes = restore.approvals.filter((a) => a.step.includes('confirm-wipe-member'));
    expect(wipes.map((a) => [a.answer?.who, a.answer?.how, a.token, a.voided ? 'voided' : a.authorises?.node])).toEqual(
      [
        ['bob', 'tty', 'a49c021e76e707db', 'voided'],
        ['bob', 'tty', 'a49c021e76e707db', '172.20.0.2'],
        ['bob', 'tty', '0b7a3f9e2c51d804', '172.20.0.3'],
        ['bob', 'tty', 'f3e2d1c0b9a89776', '172.20.0.4'],
      ],
    );
    expect(wipes[0]?.evidence.map((e) => `${e.name} ${e.verdict}`)).toEqual(['snapshot-verified pass']);
  });

  it('puts deviations before the timeline in every format', () => {
    for (const text of [renderText(restore), renderMarkdown(restore), renderHtml(restore)]) {
      const dev = text.search(/Deviations \(4\)/);
      const tl = text.search(/Timeline \(\d+ entries\)/);
      expect(dev).toBeGreaterThan(0);
      expect(tl).toBeGreaterThan(dev);
    }
  });
});

describe('hostile log text', () => {
  const evil =
    '<script>alert(1)</script><img src=x onerror=alert(2)> [x](javascript:alert(3)) `code` \u001b[31mred\u001b[0m | & "\'';
  const sink = memorySink();
  const j = Journal.create('unused', { sink, clock: steppingClock() });
  j.append('run-start', {
    runbook: evil,
    runbookSha256: 'a'.repeat(64),
    params: { nodes: [evil] },
    operator: evil,
    host: 'h',
    toolVersion: '0',
    talosctlVersion: null,
    dryRun: true,
  });
  j.append('command-result', {
    step: evil,
    argv: ['etcd', evil],
    node: '127.0.0.1',
    exitCode: 0,
    durationMs: 1,
    stdout: `${evil}\n\`\`\`\nbreak out`,
    stderr: evil,
    timedOut: false,
  });
  j.append('approval-request', { step: 's', prompt: evil, fingerprint: 'f'.repeat(64), token: evil });
  j.append('approval', { step: 's', who: evil, how: 'tty', when: evil, fingerprint: 'f'.repeat(64), approved: true });
  const report = reportFromText(sink.text());

  it('HTML escapes every piece of log text and forbids scripts', () => {
    const html = renderHtml(report);
    const tags = new Set([...html.matchAll(/<\/?([a-zA-Z0-9!]+)/g)].map((m) => (m[1] ?? '').toLowerCase()));
    const allowed =
      'html head meta title style body h1 h2 h3 section table tr th td div span b code pre dl dt dd details summary p ul li br !doctype';
    expect([...tags].filter((t) => !allowed.split(' ').includes(t))).toEqual([]);
    expect(html).toContain('&#60;script&#62;alert(1)&#60;/script&#62;');
    expect(html).toContain(`content="default-src 'none'; style-src 'unsafe-inline'"`);
    expect(html).not.toMatch(/\bhttps?:\/\//);
  });

  it('text and Markdown never pass terminal escapes through; Markdown cannot break out of its blocks', () => {
    expect(renderText(report)).not.toContain('\u001b');
    expect(renderText(report)).toContain('\\x1b[31mred');
    const md = renderMarkdown(report);
    expect(md).not.toContain('\u001b');
    const outsideFences = md.replace(/^( *)(`{3,})text\n[\s\S]*?\n\1\2$/gm, '');
    expect(outsideFences).not.toMatch(/(^|[^\\])[<[`]/m);
    expect(md).toContain('````text'); // the fence outgrows the ``` inside the output
  });
});
