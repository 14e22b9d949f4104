import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it, onTestFinished } from 'vitest';
import { runCli } from '../helpers/run-cli.js';

const stackTrace = /\n\s+at /;

describe('talos-dr lint', () => {
  it('exits 0 on the built-in runbooks', async () => {
    const r = await runCli(['lint', 'runbooks/']);
    expect(r.code).toBe(0);
    expect(r.stdout).toBe('');
    expect(r.stderr).toContain('7 runbook(s) checked, 0 invalid');
  });

  it('exits 2 with file:line:col CODE message lines and a hint, no stack trace', async () => {
    const file = 'fixtures/runbooks/invalid/rb1301-leave-via-goto.yaml';
    const r = await runCli(['lint', file]);
    expect(r.code).toBe(2);
    expect(r.stdout.split('\n')[0]).toBe(
      `${file}:13:5 RB1301 step "leave" needs a typed approval (removes the node's member from the etcd cluster and deletes its etcd data) but can be reached without a confirm since the last gated command (state leave)`,
    );
    expect(r.stdout).toContain('  hint: put a confirm step right before it');
    expect(r.stdout + r.stderr).not.toMatch(stackTrace);
  });

  it('exits 2 when any file of a folder is invalid, and lists each problem', async () => {
    const r = await runCli(['lint', 'fixtures/runbooks/invalid', '--no-hints']);
    expect(r.code).toBe(2);
    const lines = r.stdout.trim().split('\n');
    expect(lines.every((l) => /^fixtures\/runbooks\/invalid\/\S+\.yaml:\d+:\d+ RB\d{4} /.test(l))).toBe(true);
    expect(r.stderr).toMatch(/\d+ runbook\(s\) checked, \d+ invalid/);
  });

  it('exits 2 on a path that does not exist', async () => {
    const r = await runCli(['lint', 'no/such/file.yaml']);
    expect(r.code).toBe(2);
    expect(r.stderr).toContain('TDR_FILE_NOT_FOUND no/such/file.yaml: no such file');
    expect(r.stderr).not.toMatch(stackTrace);
  });
});

describe('talos-dr describe', () => {
  it('--json lists params, steps and the effect of each step', async () => {
    const r = await runCli(['describe', 'nospace-recovery', '--json']);
    expect(r.code).toBe(0);
    const d = JSON.parse(r.stdout) as {
      name: string;
      params: Array<{ name: string }>;
      steps: Array<Record<string, unknown>>;
    };
    expect(d.name).toBe('nospace-recovery');
    expect(d.params.map((p) => p.name)).toEqual(['nodes', 'maxSizeAfter']);
    expect(d.steps.find((s) => s.id === 'disarm')).toMatchObject({
      kind: 'talosctl',
      effect: 'irreversible',
      irreversible: true,
      requires: 'a typed confirm and a live recheck',
    });
    expect(d.steps.find((s) => s.id === 'defrag-probe')).toMatchObject({
      kind: 'talosctl',
      effect: 'disruptive',
      irreversible: false,
      requires: 'a fresh quorum check (member out of service)',
    });
  });

  it('marks irreversible steps', async () => {
    const r = await runCli(['describe', 'fixtures/runbooks/valid/remove-lost-member.yaml']);
    expect(r.code).toBe(0);
    expect(r.stdout).toContain('- ⚠ IRREVERSIBLE remove [talosctl, irreversible]');
  });

  it('exits 2 on an unknown runbook name', async () => {
    const r = await runCli(['describe', 'no-such-runbook']);
    expect(r.code).toBe(2);
    expect(r.stderr).toContain('TDR_RUNBOOK_NOT_FOUND no runbook named "no-such-runbook"');
  });
});

describe('talos-dr graph', () => {
  it('prints a Mermaid stateDiagram-v2 with irreversible states marked', async () => {
    const r = await runCli(['graph', 'fixtures/runbooks/valid/remove-lost-member.yaml']);
    expect(r.code).toBe(0);
    const lines = r.stdout.split('\n');
    expect(lines[0]).toBe('stateDiagram-v2');
    expect(lines).toContain('  state "⚠ remove (irreversible)" as remove');
    expect(lines).toContain('  confirm_remove --> remove_recheck');
    expect(lines).toContain('  remove_recheck --> remove');
    expect(lines).toContain('  class remove irreversible');
    // every edge line names declared states
    const declared = new Set(lines.flatMap((l) => /^ {2}state ".*" as (\S+)$/.exec(l)?.slice(1) ?? []));
    for (const l of lines.filter((x) => x.includes(' --> ') && !x.includes('[*]'))) {
      const [from, to] = l.trim().split(' --> ');
      expect(declared.has(from ?? '') && declared.has(to ?? '')).toBe(true);
    }
  });

  it('--format json gives states and edges', async () => {
    const r = await runCli(['graph', 'nospace-recovery', '--format', 'json']);
    expect(r.code).toBe(0);
    const g = JSON.parse(r.stdout) as { initial: string; edges: unknown[] };
    expect(g.initial).toBe('preflight');
    expect(g.edges.length).toBeGreaterThan(10);
  });
});

describe('talos-dr list', () => {
  it('lists built-in runbooks and those in ./runbooks of the working directory', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'tdr-list-'));
    onTestFinished(() => rmSync(dir, { recursive: true, force: true }));
    const local = join(dir, 'runbooks');
    const { mkdirSync, readFileSync } = await import('node:fs');
    mkdirSync(local);
    const text = readFileSync('fixtures/runbooks/valid/remove-lost-member.yaml', 'utf8');
    writeFileSync(join(local, 'remove-lost-member.yaml'), text);
    const r = await runCli(['list'], { cwd: dir });
    expect(r.code).toBe(0);
    expect(r.stdout).toContain('nospace-recovery  Recover from an etcd NOSPACE alarm');
    expect(r.stdout).toContain('remove-lost-member  Remove a lost etcd member (fixture)');
  });
});
