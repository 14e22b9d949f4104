import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { classify } from '../../src/talos/commands.js';

const effectOf = (argv: readonly string[]) => {
  const c = classify(argv);
  return c.ok ? c.value : { effect: 'refused' as const, known: false };
};

import { runCli } from '../helpers/run-cli.js';

const STAND_IN = fileURLToPath(new URL('../../fixtures/bin/record-talosctl.mjs', import.meta.url));
const NODES = 'nodes=10.5.0.2,10.5.0.3,10.5.0.4';

function setup() {
  const dir = mkdtempSync(join(tmpdir(), 'tdr-run-cli-'));
  const rec = join(dir, 'argv.jsonl');
  writeFileSync(rec, '');
  const env = { RECORD_ARGV: rec, TALOS_DR_LOCK_DIR: join(dir, 'locks'), CI: 'true' };
  const calls = (): string[][] =>
    readFileSync(rec, 'utf8')
      .split('\n')
      .filter(Boolean)
      .map((l) => JSON.parse(l) as string[]);
  const subcommands = (): string[][] =>
    calls().map((a) => {
      const i = a.indexOf('--nodes');
      return i >= 0 ? [...a.slice(0, i), ...a.slice(i + 2)] : a;
    });
  return { dir, env, calls, subcommands };
}

describe('run, plan and dry run through the CLI', () => {
  it('plan spawns nothing and shows the argv and gates', async () => {
    const s = setup();
    const r = await runCli(['plan', 'nospace-recovery', '--param', NODES], { env: s.env });
    expect(r.code).toBe(0);
    expect(r.stdout).toContain('disarm [irreversible]: talosctl -n <ref order.leader> etcd alarm disarm');
    expect(r.stdout).toContain('etcd defrag (timeout 300s); needs a fresh quorum check (member out of service)');
    // the gate is listed with its prompt (the wording belongs to the runbook, not to this test)
    expect(r.stdout).toMatch(/^confirm-disarm: GATE ".+", guards disarm$/m);
    expect(s.calls()).toEqual([]);
  });

  it('plan --live-reads and run --dry-run spawn only read subcommands', async () => {
    const s = setup();
    const p = await runCli(['plan', 'nospace-recovery', '--param', NODES, '--live-reads', '--talosctl', STAND_IN], {
      env: s.env,
    });
    expect(p.code).toBe(0);
    expect(p.stdout).toContain('talosctl -n 10.5.0.2 etcd alarm disarm');
    const log = join(s.dir, 'dry.jsonl');
    const r = await runCli(
      [
        'run',
        'nospace-recovery',
        '--param',
        NODES,
        '--dry-run',
        '--approve',
        'confirm-disarm',
        '--talosctl',
        STAND_IN,
        '--log',
        log,
      ],
      { env: s.env },
    );
    expect(r.code).toBe(0);
    expect(r.stdout).toContain('would run talosctl etcd alarm disarm');
    const subs = s.subcommands();
    expect(subs.length).toBeGreaterThan(10);
    for (const a of subs) expect(effectOf(a).effect, a.join(' ')).toBe('read');
    expect(readFileSync(log, 'utf8').split('\n')[0]).toContain('"dryRun":true');
    const v = await runCli(['log', 'verify', log]);
    expect(v.code).toBe(0);
  }, 60_000); // plan and a dry run through the CLI: dozens of stand-in talosctl processes

  it('a non-interactive run stops at the gate (exit 3) before disarm; resume --approve finishes it', async () => {
    const s = setup();
    const log = join(s.dir, 'run.jsonl');
    const r = await runCli(['run', 'nospace-recovery', '--param', NODES, '--talosctl', STAND_IN, '--log', log], {
      env: s.env,
    });
    expect(r.code).toBe(3);
    expect(r.stdout).toContain(`resume ${log} --approve confirm-disarm`);
    expect(s.subcommands().some((a) => a.join(' ') === 'etcd alarm disarm')).toBe(false);
    expect(s.subcommands().some((a) => a.join(' ') === 'etcd defrag')).toBe(true);
    const defrags = s.subcommands().filter((a) => a.join(' ') === 'etcd defrag').length;
    const again = await runCli(['resume', log, '--approve', 'confirm-disarm'], { env: s.env });
    expect(again.code).toBe(0);
    expect(again.stdout).toContain('as recorded in the log');
    expect(s.subcommands().filter((a) => a.join(' ') === 'etcd alarm disarm')).toHaveLength(1);
    expect(s.subcommands().filter((a) => a.join(' ') === 'etcd defrag')).toHaveLength(defrags);
    expect((await runCli(['log', 'verify', log])).code).toBe(0);
    const text = readFileSync(log, 'utf8');
    writeFileSync(log, text.replace('"etcd","defrag"', '"etcd","defrak"'));
    expect((await runCli(['log', 'verify', log])).code).not.toBe(0);
    expect((await runCli(['resume', log], { env: s.env })).code).toBe(1);
  }, 60_000); // a whole run and resume through the CLI: dozens of stand-in talosctl processes

  it('bad params and unknown --approve ids exit 2 naming the flag', async () => {
    const s = setup();
    const r = await runCli(['run', 'nospace-recovery', '--param', 'nodes=10.5.0.2,-rf'], { env: s.env });
    expect(r.code).toBe(2);
    expect(r.stderr).toContain('--param "nodes=10.5.0.2,-rf"');
    const a = await runCli(['run', 'nospace-recovery', '--param', NODES, '--approve', 'nope', '--talosctl', STAND_IN], {
      env: s.env,
    });
    expect(a.code).toBe(2);
    expect(a.stderr).toContain('--approve "nope"');
    for (const bad of ['0s', 'soon', '11m']) {
      const t = await runCli(
        ['run', 'nospace-recovery', '--param', NODES, '--read-timeout', bad, '--talosctl', STAND_IN],
        {
          env: s.env,
        },
      );
      expect(t.code, bad).toBe(2);
      expect(t.stderr).toContain(`--read-timeout "${bad}"`);
    }
  });

  it('--sign-key signs the run; resume needs the same key; log verify --key checks it', async () => {
    const s = setup();
    const log = join(s.dir, 'signed.jsonl');
    const name = join(s.dir, 'ops');
    expect((await runCli(['log', 'keygen', '--out', name])).code).toBe(0);
    const other = join(s.dir, 'other');
    expect((await runCli(['log', 'keygen', '--out', other])).code).toBe(0);
    const run = ['run', 'nospace-recovery', '--param', NODES, '--talosctl', STAND_IN, '--log', log];
    expect((await runCli([...run, '--sign-key', `${name}.key`], { env: s.env })).code).toBe(3);
    // a signed log is not resumed without its key, nor with another one
    expect((await runCli(['resume', log, '--approve', 'confirm-disarm'], { env: s.env })).code).toBe(2);
    expect(
      (await runCli(['resume', log, '--approve', 'confirm-disarm', '--sign-key', `${other}.key`], { env: s.env })).code,
    ).toBe(2);
    const again = await runCli(['resume', log, '--approve', 'confirm-disarm', '--sign-key', `${name}.key`], {
      env: s.env,
    });
    expect(again.code).toBe(0);
    expect((await runCli(['log', 'verify', log, '--key', `${name}.pub`])).code).toBe(0);
    expect((await runCli(['log', 'verify', log, '--key', `${other}.pub`])).code).toBe(1);
    expect(
      (
        await runCli([...run.slice(0, -1), join(s.dir, 'x.jsonl'), '--sign-key', join(s.dir, 'missing.key')], {
          env: s.env,
        })
      ).code,
    ).toBe(2);
  }, 60_000); // a whole run and resume through the CLI: dozens of stand-in talosctl processes
});
