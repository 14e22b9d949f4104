import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, describe, expect, it } from 'vitest';
import { READ_COMMANDS } from '../../src/talos/read-commands.js';
import { TRIAGE_JSON_SCHEMA } from '../../src/triage/json.js';
import { runCli } from '../helpers/run-cli.js';

/** `talos-dr triage` as a process: exit codes 0/1/4, --json, --save/--replay, and bad flags (exit 2). */

const tmp = mkdtempSync(join(tmpdir(), 'talos-dr-triage-cli-'));
afterAll(() => rmSync(tmp, { recursive: true, force: true }));
const fixture = (name: string) => `fixtures/triage/${name}.json`;
const RECORD = fileURLToPath(new URL('../../fixtures/bin/record-talosctl.mjs', import.meta.url));
const triage = (...args: string[]) => runCli(['triage', ...args], { timeoutMs: 60_000 });

describe('triage exit codes', () => {
  it.each([
    ['healthy', 0, /^HEALTHY: healthy: 3 voters follow leader 750f82d0bd760ee4 on 127\.0\.0\.81/],
    ['lose', 1, /^DEGRADED: member f01967dd4c9d5919 on 127\.0\.0\.83 is lost; quorum holds/],
    ['derived-member-timeout', 4, /^CANNOT TELL: member f01967dd4c9d5919 on 127\.0\.0\.83 does not answer/],
  ] as const)('%s → exit %i, the verdict on the first line', async (name, code, first) => {
    const r = await triage('--replay', fixture(name));
    expect({ code: r.code, stderr: r.stderr }).toEqual({ code, stderr: '' });
    expect(r.stdout).toMatch(first);
    expect(r.stdout).not.toMatch(/FAIL/);
  });

  it('the command to copy comes right after the verdict (and what to do first)', async () => {
    const r = await triage('--replay', fixture('lose'), '--talosctl', 'bin/talosctl-lab');
    const lines = r.stdout.split('\n');
    expect(lines[2]).toMatch(/^First: /);
    expect(lines[4]).toBe('Then run:');
    expect(lines[5]).toBe(
      '  talos-dr run replace-lost-member --param nodes=127.0.0.81,127.0.0.82,127.0.0.83 --param members=3 --talosctl bin/talosctl-lab',
    );
  });

  it('cannot tell lists what is missing', async () => {
    const r = await triage('--replay', fixture('derived-certificate'));
    expect(r.code).toBe(4);
    expect(r.stdout).toContain('Missing:\n  - ');
    expect(r.stdout).toContain('certificate');
  });
});

describe('triage --json', () => {
  it('has the documented shape', async () => {
    const r = await triage('--replay', fixture('quorum-loss'), '--json');
    expect(r.code).toBe(1);
    const j = JSON.parse(r.stdout) as Record<string, unknown>;
    expect(Object.keys(j)).toEqual([
      'schema',
      'verdict',
      'exitCode',
      'row',
      'headline',
      'why',
      'subject',
      'first',
      'recommendation',
      'missing',
      'findings',
      'nodes',
      'polls',
      'tookMs',
      'options',
    ]);
    expect(j).toMatchObject({
      schema: TRIAGE_JSON_SCHEMA,
      verdict: 'degraded',
      exitCode: 1,
      row: 'quorum-lost-machines-down',
      recommendation: {
        runbook: 'restore-from-snapshot',
        params: { nodes: '127.0.0.81,127.0.0.82,127.0.0.83', snapshot: '<snapshot file>', members: '3' },
        placeholders: [{ param: 'snapshot', text: '<snapshot file>' }],
        command:
          "talos-dr run restore-from-snapshot --param nodes=127.0.0.81,127.0.0.82,127.0.0.83 --param 'snapshot=<snapshot file>' --param members=3",
      },
      options: { quotaBytes: 2147483648, maxLag: 100 },
    });
    const findings = j.findings as { id: string; severity: string; member: string | null; evidence: object }[];
    expect(findings.find((f) => f.member === '750f82d0bd760ee4')).toMatchObject({ id: 'member', severity: 'problem' });
  });
});

describe('triage on a live (stand-in) talosctl', () => {
  it('reads only, saves what it read, and --replay of that file decides the same', async () => {
    const argvLog = join(tmp, 'argv.jsonl');
    const saved = join(tmp, 'saved.json');
    const r = await runCli(
      [
        'triage',
        '--param',
        'nodes=10.5.0.2,10.5.0.3,10.5.0.4',
        '--talosctl',
        RECORD,
        '--window',
        '1s',
        '--read-timeout',
        '20s',
        '--save',
        saved,
        '--json',
      ],
      { env: { RECORD_ARGV: argvLog }, timeoutMs: 90_000 },
    );
    expect({ code: r.code, stderr: r.stderr }).toEqual({ code: 1, stderr: '' });
    const live = JSON.parse(r.stdout) as { row: string; recommendation: { command: string } };
    expect(live.row).toBe('nospace');
    expect(live.recommendation.command).toBe(
      `talos-dr run nospace-recovery --param nodes=10.5.0.2,10.5.0.3,10.5.0.4 --talosctl ${RECORD}`,
    );
    // every call is one of the reads, on one node: 3 per node in each of the two polls
    const calls = readFileSync(argvLog, 'utf8')
      .trim()
      .split('\n')
      .map((l) => JSON.parse(l) as string[]);
    const reads = new Set(Object.values(READ_COMMANDS).map((a) => a.join(' ')));
    for (const argv of calls) {
      expect(argv.slice(0, 1)).toEqual(['--nodes']);
      expect(reads.has(argv.slice(2).join(' '))).toBe(true);
    }
    expect(calls.length).toBe(18);
    const again = await triage('--replay', saved, '--json');
    expect((JSON.parse(again.stdout) as { row: string }).row).toBe('nospace');
    expect(again.code).toBe(1);
  });

  it('a talosctl that cannot be started: no answer, exit 4', async () => {
    const r = await triage(
      '--param',
      'nodes=10.5.0.2',
      '--talosctl',
      join(tmp, 'no-such-talosctl'),
      '--window',
      '500ms',
    );
    expect(r.code).toBe(4);
    expect(r.stdout).toMatch(/^CANNOT TELL: no node answered/);
  });
});

describe('bad input: a usage error naming the flag, exit 2, no stack trace', () => {
  const bad = join(tmp, 'bad.json');
  writeFileSync(bad, '{"format": "something else"}');
  it.each([
    [['--param', 'nodes=127.0.0.81', '--window', '0s'], '--window "0s": a duration from 500ms to 5m'],
    [['--param', 'nodes=127.0.0.81', '--read-timeout', 'soon'], '--read-timeout "soon": a duration from 500ms to 10m'],
    [['--param', 'nodes=127.0.0.81', '--quota', '12'], '--quota "12": a size of at least 1MiB'],
    [['--param', 'nodes=127.0.0.81', '--max-lag', '-3'], '--max-lag "-3": a whole number'],
    [['--param', 'node=127.0.0.81'], '--param "node=127.0.0.81": triage takes nodes=<address,…> and members=<n>'],
    [
      ['--param', 'nodes=127.0.0.81;rm'],
      '--param "nodes=127.0.0.81;rm": ["127.0.0.81;rm"] is not a list of node addresses',
    ],
    [['--param', 'nodes=127.0.0.81', '--param', 'members=three'], '--param "members=three": "three" is not a number'],
    [[], 'missing --param nodes=<address,address,…>'],
    [['--replay', join(tmp, 'absent.json')], 'absent.json: no such file'],
    [['--replay', bad], `--replay ${bad}: not a triage recording`],
  ])('%j', async (args, message) => {
    const r = await triage(...args);
    expect(r.code).toBe(2);
    expect(r.stdout).toBe('');
    expect(r.stderr).toContain(message);
    expect(r.stderr).not.toMatch(/\n\s+at /);
  });
});
