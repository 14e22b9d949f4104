import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it, onTestFinished } from 'vitest';
import { survivors } from '../../scripts/reliability/broken-talosctl.js';
import { isTalosDrError } from '../../src/io/errors.js';
import { toNodeOutcome } from '../../src/talos/outcome.js';
import { classifyError } from '../../src/talos/parse/errors.js';
import { createTalosctl, resolveTalosctlBinary } from '../../src/talos/talosctl.js';

const FAKE = join(import.meta.dirname, '../../fixtures/bin/fake-talosctl.mjs');
const tmp = mkdtempSync(join(tmpdir(), 'talosctl-test-'));
afterAll(() => rmSync(tmp, { recursive: true, force: true }));

/** Every live process whose process group is `pgid`, read from /proc (not from the promise). */
const groupMembers = (pgid: number): number[] => survivors(pgid, []);

function alive(pid: number): boolean {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    return stat.slice(stat.lastIndexOf(')') + 2)[0] !== 'Z';
  } catch {
    return false;
  }
}

const fake = (env: Record<string, string>, extra: { killGraceMs?: number; defaultTimeoutMs?: number } = {}) =>
  createTalosctl({ binary: FAKE, env, ...extra });

describe('talosctl invocation', () => {
  it('passes argv verbatim, global flags first, exactly one --nodes', async () => {
    const argvOut = join(tmp, 'argv.json');
    const t = createTalosctl({
      binary: FAKE,
      talosconfig: '/cfg/talos config',
      context: 'prod',
      endpoints: ['10.0.0.1', '10.0.0.2'],
      env: { FAKE_ARGV_OUT: argvOut },
    });
    const r = await t.run('10.5.0.2', ['etcd', 'snapshot', '/tmp/a b;$(rm -rf /)']);
    expect(r.exitCode).toBe(0);
    expect(JSON.parse(readFileSync(argvOut, 'utf8'))).toEqual([
      '--talosconfig',
      '/cfg/talos config',
      '--context',
      'prod',
      '--endpoints',
      '10.0.0.1,10.0.0.2',
      '--nodes',
      '10.5.0.2',
      'etcd',
      'snapshot',
      '/tmp/a b;$(rm -rf /)',
    ]);
    expect(r.argv).toEqual(JSON.parse(readFileSync(argvOut, 'utf8')));
  });

  it('honours TALOSCTL and passes the environment (TALOSCONFIG) through', async () => {
    expect(resolveTalosctlBinary(undefined, { TALOSCTL: '/opt/talosctl-lab' })).toBe('/opt/talosctl-lab');
    expect(resolveTalosctlBinary('/x/flag', { TALOSCTL: '/opt/env' })).toBe('/x/flag');
    expect(resolveTalosctlBinary(undefined, {})).toBe('talosctl');
    process.env.TALOSCONFIG = '/from/parent/env';
    onTestFinished(() => {
      delete process.env.TALOSCONFIG;
    });
    const r = await fake({ FAKE_ECHO_ENV: 'TALOSCONFIG' }).run('n1', ['version']);
    expect(r.stdout).toBe('/from/parent/env');
  });

  it('runs each node in its own call and returns one result per node', async () => {
    const t = fake({ FAKE_STDOUT: 'x\n' });
    const rs = await t.runEach(['10.0.0.1', '10.0.0.2', 'cp-3'], ['etcd', 'members']);
    expect(rs.map((r) => r.node)).toEqual(['10.0.0.1', '10.0.0.2', 'cp-3']);
    expect(rs.map((r) => r.argv.filter((_a, i, all) => all[i - 1] === '--nodes'))).toEqual([
      ['10.0.0.1'],
      ['10.0.0.2'],
      ['cp-3'],
    ]);
  });

  it.each([
    ['-n10.0.0.1', 'flag'],
    ['a,b', "','"],
    ['a b', 'whitespace'],
    ['a\u0000b', 'control'],
    ['', 'empty'],
    ['--talosconfig=/x', 'flag'],
  ])('refuses node %j before spawning', async (node, why) => {
    const argvOut = join(tmp, `never-${why}.json`);
    const err = await fake({ FAKE_ARGV_OUT: argvOut })
      .run(node, ['etcd', 'members'])
      .then(
        () => undefined,
        (e: unknown) => e,
      );
    expect(isTalosDrError(err)).toBe(true);
    expect(String((err as Error).message)).toMatch(why);
    expect(() => readFileSync(argvOut)).toThrow();
  });

  it.each([
    [['etcd', 'a\u0000b'], 'NUL'],
    [['etcd', 'members', '--nodes', 'x'], '--nodes'],
    [['etcd', 'members', '-n', 'x'], '-n'],
    [['etcd', 'members', '--endpoints=x'], '--endpoints'],
  ])('refuses argv %j before spawning', async (args, why) => {
    const err = await fake({})
      .run('n1', args)
      .then(
        () => undefined,
        (e: unknown) => e,
      );
    expect(isTalosDrError(err)).toBe(true);
    expect(String((err as Error).message)).toContain(why);
  });

  it.each([
    ['error from node 10.5.0.2: rpc error: code = Unavailable desc = etcdserver: no leader', 1, 'no-leader'],
    [
      'error executing bootstrap: rpc error: code = AlreadyExists desc = etcd data directory is not empty',
      1,
      'already-bootstrapped',
    ],
    ['error executing bootstrap: rpc error: code = FailedPrecondition desc = time is not in sync yet', 1, 'not-ready'],
    [
      'command "etcd snapshot" requires exactly one node (got 2)\nUsage:\n  talosctl etcd snapshot',
      1,
      'single-node-only',
    ],
    [
      'WARNING: 1 error occurred:\n\t* n1: rpc error: code = Unimplemented desc = etcd alarm list is only available on control plane nodes\n',
      0,
      'not-control-plane',
    ],
    ['error from node n1: rpc error: code = Unknown desc = log "etcd" was not registered', 1, 'log-not-registered'],
    ['segmentation fault', 2, 'unknown'],
  ])('classifies %j (exit %i) from a real process', async (stderr, exit, kind) => {
    const r = await fake({ FAKE_STDERR: `${stderr}\n`, FAKE_EXIT: String(exit) }).run('n1', ['etcd', 'members']);
    expect(r.exitCode).toBe(exit);
    expect(r.stderr).toBe(`${stderr}\n`);
    expect(classifyError(r.stderr).kind).toBe(kind);
    const o = toNodeOutcome(r);
    expect(o.ok).toBe(false);
    expect(o.errors[0]?.kind).toBe(kind);
  });

  it('an exit 0 with plain output is ok', async () => {
    const r = await fake({ FAKE_STDOUT: '' }).run('n1', ['etcd', 'defrag']);
    expect(toNodeOutcome(r)).toMatchObject({ ok: true, partial: false, reason: 'ok' });
  });

  it('a missing binary is a typed spawnError naming the path, not a throw', async () => {
    const r = await createTalosctl({ binary: '/nonexistent/talosctl' }).run('n1', ['etcd', 'members']);
    expect(r.spawnError?.code).toBe('ENOENT');
    expect(r.spawnError?.message).toContain('/nonexistent/talosctl');
    expect(toNodeOutcome(r).reason).toBe('spawn-error');
  });

  it('parses the client version of the binary', async () => {
    const argvOut = join(tmp, 'version.json');
    const t = createTalosctl({
      binary: FAKE,
      talosconfig: '/missing/config',
      env: { FAKE_STDOUT: 'Client:\n\tTalos v1.13.9\n', FAKE_ARGV_OUT: argvOut },
    });
    const v = await t.clientVersion();
    expect(v.version).toMatchObject({ ok: true, value: { tag: 'v1.13.9', semantics: 'aggregated' } });
    expect(JSON.parse(readFileSync(argvOut, 'utf8'))).toEqual(['version', '--client', '--short']);
  });
});

describe('a hung talosctl is killed with its whole process group', () => {
  // long enough for the stand-in (a node process) to start on a loaded 2-core CI machine
  const TIMEOUT = 2_000;
  const GRACE = 300;

  it.each([
    ['sleeps forever', 'sleep'],
    ['ignores SIGTERM', 'ignore-term'],
    ['leaves a grandchild holding the pipe', 'grandchild'],
  ])('when it %s: killed within timeout + 2 s, nothing left behind', async (_what, mode) => {
    const pidOut = join(tmp, `pid-${mode}`);
    const t = fake({ FAKE_MODE: mode, FAKE_PID_OUT: pidOut }, { killGraceMs: GRACE });
    const started = performance.now();
    const r = await t.run('n1', ['etcd', 'members'], { timeoutMs: TIMEOUT });
    const elapsed = performance.now() - started;
    expect(r.timedOut).toBe(true);
    expect(r.canceled).toBe(false);
    expect(r.exitCode).toBeNull();
    expect(r.stdout).toBe('started\n');
    expect(elapsed).toBeLessThan(TIMEOUT + 2000);
    expect(r.pid).toBeTypeOf('number');
    expect(groupMembers(r.pid ?? -1)).toEqual([]);
    expect(alive(Number(readFileSync(pidOut, 'utf8')))).toBe(false);
    expect(toNodeOutcome(r)).toMatchObject({
      ok: false,
      reason: 'timeout',
      errors: [{ kind: 'timeout', retryable: true }],
    });
  });

  it('an AbortSignal (Ctrl-C) kills it and its group', async () => {
    const pidOut = join(tmp, 'pid-abort');
    const ac = new AbortController();
    const t = fake({ FAKE_MODE: 'grandchild', FAKE_PID_OUT: pidOut }, { killGraceMs: GRACE });
    const p = t.run('n1', ['etcd', 'members'], { timeoutMs: 60_000, signal: ac.signal });
    // abort once the stand-in and its grandchild are running (start-up time varies under load)
    const started = Date.now();
    while (!existsSync(pidOut) && Date.now() - started < 10_000) await new Promise((res) => setTimeout(res, 20));
    const abortedAt = Date.now();
    ac.abort();
    const r = await p;
    expect(r.canceled).toBe(true);
    expect(r.timedOut).toBe(false);
    expect(Date.now() - abortedAt).toBeLessThan(GRACE + 2000);
    expect(groupMembers(r.pid ?? -1)).toEqual([]);
    expect(alive(Number(readFileSync(pidOut, 'utf8')))).toBe(false);
    expect(toNodeOutcome(r).reason).toBe('canceled');
  });

  it('an already aborted signal spawns nothing', async () => {
    const r = await fake({}).run('n1', ['etcd', 'members'], { signal: AbortSignal.abort() });
    expect(r).toMatchObject({ canceled: true, pid: undefined, exitCode: null });
  });
});
