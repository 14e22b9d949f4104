import { mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import type { LogRecord } from '../../../src/audit/log-format.js';
import type { RunTalosctlInput } from '../../../src/compile/contract.js';
import { runTalosctlActor } from '../../../src/engine/effects/run-talosctl.js';
import { type CommandResult, commandResult, type Talosctl } from '../../../src/talos/talosctl.js';
import { replayStub, runEffect, testEnv } from '../../helpers/engine-env.js';

/**
 * runTalosctl: the argv as resolved is classified again, and runs only if it needs no more than
 * the compiled step put before it (never an argv the registry does not allow); a read reads every
 * node, a change stops at the first failure; a change is journaled as an intent before it runs;
 * on replay an intent without a result is "outcome unknown" and is NOT run again; a dry run
 * never calls a change.
 */
const STEPS = `  - id: st\n    talosctl: [etcd, status]\n    nodes: { ref: params.nodes }\n  - id: ok\n    end: { outcome: success, message: ok }`;
const X509 = readFileSync('fixtures/talosctl/v1.13/errors/x509-unknown-authority/stderr.txt', 'utf8');

type Answer = Partial<CommandResult> | ((node: string, args: readonly string[]) => Partial<CommandResult>);
/** A talosctl stand-in: answers per node (exit 0, empty output by default) and records every call. */
function scripted(answer: Answer = {}): Talosctl & { calls: string[] } {
  const calls: string[] = [];
  const run = async (node: string, args: readonly string[]) => {
    calls.push(`${node} ${args.join(' ')}`);
    const a = typeof answer === 'function' ? answer(node, args) : answer;
    return commandResult({ argv: ['--nodes', node, ...args], binary: 'fake', node, exitCode: 0, ...a });
  };
  return {
    binary: 'fake',
    calls,
    run,
    runEach: async (nodes, args) => Promise.all(nodes.map((n) => run(n, args))),
    clientVersion: async () => {
      throw new Error('not asked');
    },
  };
}

const base = (over: Partial<RunTalosctlInput>): RunTalosctlInput => ({
  stepId: 'st',
  argv: ['etcd', 'status'],
  nodes: ['10.0.0.1'],
  effect: 'read',
  gate: false,
  quorum: false,
  timeoutMs: 10_000,
  capture: undefined,
  ...over,
});

function env(talosctl: Talosctl, o: Parameters<typeof testEnv>[1] = {}) {
  return testEnv(STEPS, { talosctl, ...o });
}

describe('runTalosctl: the registry decides what may run', () => {
  it.each([
    ['a command the registry does not know', base({ argv: ['etcd', 'frobnicate'] })],
    ['a shell string smuggled into one argument', base({ argv: ['etcd', 'status; rm -rf /'] })],
    [
      'an irreversible argv in a step compiled as a read',
      base({ argv: ['etcd', 'remove-member', '0a1b2c3d4e5f6a7b'] }),
    ],
    [
      'an irreversible argv in a step compiled without a gate',
      base({ argv: ['etcd', 'remove-member', '0a1b2c3d4e5f6a7b'], effect: 'irreversible', gate: false }),
    ],
    [
      'a disruptive argv in a step compiled without a quorum check',
      base({ argv: ['etcd', 'defrag'], effect: 'disruptive' }),
    ],
  ])('refuses %s before any call, journaled as a refused deviation', async (_what, input) => {
    const tc = scripted();
    const t = env(tc);
    const out = await runEffect(runTalosctlActor(t.env), input);
    expect(tc.calls).toEqual([]);
    expect(out.ok).toBe(false);
    expect(out.unknown).toBeUndefined();
    expect(out.results).toHaveLength(1);
    expect(out.results[0]?.summary).toMatch(/^refused: /);
    const dev = t.records().find((r) => r.type === 'deviation');
    expect(dev?.payload).toMatchObject({ step: 'st', kind: 'refused', detail: out.results[0]?.summary });
    expect(t.records().some((r) => r.type === 'command-intent')).toBe(false);
  });

  it('the argv a step was compiled for (gate and quorum in place) runs', async () => {
    const tc = scripted();
    const t = env(tc);
    const out = await runEffect(
      runTalosctlActor(t.env),
      base({ argv: ['etcd', 'remove-member', '0a1b2c3d4e5f6a7b'], effect: 'irreversible', gate: true }),
    );
    expect(out.ok).toBe(true);
    expect(tc.calls).toEqual(['10.0.0.1 etcd remove-member 0a1b2c3d4e5f6a7b']);
  });
});

describe('runTalosctl: reads and changes', () => {
  it('a read reads every node even when one fails; ok only if all did', async () => {
    const tc = scripted((node) =>
      node === '10.0.0.1' ? { exitCode: 1, stderr: 'rpc error: code = Unavailable desc = connection refused\n' } : {},
    );
    const t = env(tc);
    const out = await runEffect(runTalosctlActor(t.env), base({ nodes: ['10.0.0.1', '10.0.0.2', '10.0.0.3'] }));
    expect(tc.calls.sort()).toEqual(['10.0.0.1 etcd status', '10.0.0.2 etcd status', '10.0.0.3 etcd status']);
    expect(out.ok).toBe(false);
    expect(out.results.map((r) => [r.node, r.ok])).toEqual([
      ['10.0.0.1', false],
      ['10.0.0.2', true],
      ['10.0.0.3', true],
    ]);
    // reads are journaled without an intent
    expect(t.records().some((r) => r.type === 'command-intent')).toBe(false);
  });

  it('a change runs node after node, each after its intent is journaled, and stops at the first failure', async () => {
    const tc = scripted((node) => (node === '10.0.0.2' ? { exitCode: 1, stderr: 'boom\n' } : {}));
    const t = env(tc);
    const out = await runEffect(
      runTalosctlActor(t.env),
      base({
        argv: ['etcd', 'alarm', 'disarm'],
        effect: 'irreversible',
        gate: true,
        nodes: ['10.0.0.1', '10.0.0.2', '10.0.0.3'],
      }),
    );
    expect(tc.calls).toEqual(['10.0.0.1 etcd alarm disarm', '10.0.0.2 etcd alarm disarm']);
    expect(out.ok).toBe(false);
    expect(out.results.map((r) => r.node)).toEqual(['10.0.0.1', '10.0.0.2']);
    expect(out.results[1]?.summary).toMatch(/^exit 1: /);
    const types = t.records().map((r) => `${r.type}@${(r.payload as { node?: string }).node}`);
    expect(types).toEqual([
      'command-intent@10.0.0.1',
      'command-result@10.0.0.1',
      'command-intent@10.0.0.2',
      'command-result@10.0.0.2',
    ]);
  });

  it('a gated change cut short (timed out) has an unknown outcome, not a failure', async () => {
    const tc = scripted({ exitCode: null, timedOut: true });
    const t = env(tc);
    const out = await runEffect(
      runTalosctlActor(t.env),
      base({ argv: ['etcd', 'remove-member', '0a1b2c3d4e5f6a7b'], effect: 'irreversible', gate: true }),
    );
    expect(out.unknown).toMatch(/^10\.0\.0\.1: /);
    expect(out.ok).toBe(false);
  });

  it('a certificate problem is marked as one no retry can mend, with its hint (recorded real stderr)', async () => {
    const tc = scripted({ exitCode: 1, stderr: X509 });
    const t = env(tc);
    const out = await runEffect(runTalosctlActor(t.env), base({}));
    expect(out.noRetry).toMatch(/^10\.0\.0\.1: .*certificate/);
    const plain = await runEffect(runTalosctlActor(env(scripted({ exitCode: 1, stderr: 'boom\n' })).env), base({}));
    expect(plain).not.toHaveProperty('noRetry');
  });
});

describe('runTalosctl: replay and dry run', () => {
  const intent = {
    payload: {
      step: 'rm',
      argv: ['etcd', 'remove-member', '0a1b2c3d4e5f6a7b'],
      node: '10.0.0.1',
      effect: 'irreversible',
    },
  } as unknown as LogRecord<'command-intent'>;
  const rm = base({
    stepId: 'rm',
    argv: ['etcd', 'remove-member', '0a1b2c3d4e5f6a7b'],
    effect: 'irreversible',
    gate: true,
  });

  it('an irreversible command whose intent has no result is NOT run again: unknown outcome, the replay goes live', async () => {
    const tc = scripted();
    const replay = replayStub({ command: () => ({ intent, result: undefined }) });
    const t = env(tc, { replay });
    const out = await runEffect(runTalosctlActor(t.env), rm);
    expect(tc.calls).toEqual([]);
    expect(out.ok).toBe(false);
    expect(out.unknown).toBe(
      'talosctl -n 10.0.0.1 etcd remove-member 0a1b2c3d4e5f6a7b was started but no result was recorded (or it was cut short)',
    );
    expect(replay.wentLive).toBe(1);
    expect(t.records().find((r) => r.type === 'deviation')?.payload).toMatchObject({
      kind: 'outcome-unknown',
      step: 'rm',
    });
  });

  it('one a later resume already settled: still unknown and not run, but replayed quietly (no going live)', async () => {
    const tc = scripted();
    const replay = replayStub({ command: () => ({ intent, result: undefined, settledLater: true }) });
    const t = env(tc, { replay });
    const out = await runEffect(runTalosctlActor(t.env), rm);
    expect(tc.calls).toEqual([]);
    expect(out.unknown).toBeDefined();
    expect(replay.wentLive).toBe(0);
    expect(t.records()).toEqual([]);
  });

  it('a recorded result is replayed as the output: nothing is called or journaled again', async () => {
    const result = {
      payload: {
        step: 'rm',
        argv: rm.argv,
        node: '10.0.0.1',
        exitCode: 0,
        stdout: '',
        stderr: '',
        durationMs: 5,
        timedOut: false,
      },
    } as unknown as LogRecord<'command-result'>;
    const tc = scripted();
    const t = env(tc, { replay: replayStub({ command: () => ({ intent, result }) }) });
    const out = await runEffect(runTalosctlActor(t.env), rm);
    expect(out).toEqual({
      ok: true,
      results: [{ node: '10.0.0.1', ok: true, exitCode: 0, summary: 'ok' }],
      captured: undefined,
    });
    expect(tc.calls).toEqual([]);
    expect(t.records()).toEqual([]);
  });

  it('a dry run never calls a change: it says what would run and marks the step assumed; reads still run', async () => {
    const tc = scripted();
    const t = env(tc, { dryRun: true });
    const out = await runEffect(runTalosctlActor(t.env), rm);
    expect(tc.calls).toEqual([]);
    expect(out.ok).toBe(true);
    expect(out.results[0]?.summary).toBe('would run (dry run)');
    expect(t.env.assumed.has('rm')).toBe(true);
    expect(t.records().find((r) => r.type === 'deviation')?.payload).toMatchObject({
      kind: 'skip',
      detail: 'dry run: would run talosctl -n 10.0.0.1 etcd remove-member 0a1b2c3d4e5f6a7b [irreversible]',
    });
    await runEffect(runTalosctlActor(t.env), base({}));
    expect(tc.calls).toEqual(['10.0.0.1 etcd status']);
  });
});

describe('runTalosctl: a local file is never replaced', () => {
  const dir = mkdtempSync(join(tmpdir(), 'talos-dr-rt-'));
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it('a snapshot path that exists: not run, the log names the file', async () => {
    const target = join(dir, 'taken.db');
    writeFileSync(target, 'old');
    const tc = scripted();
    const t = env(tc);
    const out = await runEffect(
      runTalosctlActor(t.env),
      base({ stepId: 'snap', argv: ['etcd', 'snapshot', target], effect: 'local-write' }),
    );
    expect(tc.calls).toEqual([]);
    expect(out.ok).toBe(false);
    expect(out.results[0]?.summary).toBe(
      `not run: ${target} already exists: talos-dr never replaces a file; choose another path or move it away`,
    );
    expect(readFileSync(target, 'utf8')).toBe('old');
  });

  it('a free path: written under a temporary name, linked into place, no temporary left', async () => {
    const target = join(dir, 'new.db');
    const tc = scripted((_node, args) => {
      writeFileSync(String(args[2]), 'snapshot bytes');
      return {};
    });
    const t = env(tc);
    const out = await runEffect(
      runTalosctlActor(t.env),
      base({ stepId: 'snap', argv: ['etcd', 'snapshot', target], effect: 'local-write' }),
    );
    expect(out.ok).toBe(true);
    expect(tc.calls[0]).not.toContain(`snapshot ${target}`);
    expect(readFileSync(target, 'utf8')).toBe('snapshot bytes');
    expect(readdirSync(dir).filter((f) => f.includes('talos-dr-'))).toEqual([]);
  });
});
