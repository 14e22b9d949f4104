import { describe, expect, it } from 'vitest';
import { chomp, KILL_GRACE_MS, runProcess } from '../../src/lab/run-process.js';

/**
 * The spawn runner of the lab (etcdctl) and the drill (a second talos-dr), against real tiny
 * processes: each way a child can end (by itself, non-zero, by a signal, never started, stopped
 * by us for time or for size) must come back as a result with the right code, never a throw or
 * a hang.
 */
const node = process.execPath;
const js = (code: string): string[] => ['-e', code];

describe('runProcess', () => {
  it('gives stdout and stderr without their final newline only, and the exit code', async () => {
    const r = await runProcess(
      node,
      js("process.stdout.write('a\\nb\\n\\n'); process.stderr.write('oops\\n'); process.exitCode = 0"),
    );
    expect(r).toEqual({ code: 0, signal: null, stdout: 'a\nb\n', stderr: 'oops', timedOut: false });
  });

  it('a non-zero exit is a result with that code and the child stderr, nothing added', async () => {
    const r = await runProcess(node, js("console.error('Error: etcdserver: no leader'); process.exit(3)"));
    expect(r).toEqual({ code: 3, signal: null, stdout: '', stderr: 'Error: etcdserver: no leader', timedOut: false });
  });

  it('a missing binary resolves with code -1 and the spawn error in stderr', async () => {
    const r = await runProcess('/nonexistent/talos-dr-no-such-binary', ['x']);
    expect(r.code).toBe(-1);
    expect(r.stderr).toBe('spawn /nonexistent/talos-dr-no-such-binary ENOENT');
    expect(r.timedOut).toBe(false);
  });

  it('a child killed by a signal it did not get from us is code -1 with that signal', async () => {
    const r = await runProcess(node, js("process.stdout.write('before'); process.kill(process.pid, 'SIGKILL')"));
    expect(r).toMatchObject({ code: -1, signal: 'SIGKILL', stdout: 'before', timedOut: false });
    expect(r.stderr).toBe('');
  });

  it('at the timeout it is stopped with SIGTERM and says so', async () => {
    const t0 = Date.now();
    const r = await runProcess('sleep', ['30'], { timeoutMs: 200 });
    expect(r).toEqual({
      code: -1,
      signal: 'SIGTERM',
      stdout: '',
      stderr: 'sleep: timed out after 200 ms',
      timedOut: true,
    });
    expect(Date.now() - t0).toBeLessThan(KILL_GRACE_MS);
  });

  it('a child that ignores SIGTERM gets SIGKILL after the grace', async () => {
    const t0 = Date.now();
    // a shell starts in milliseconds, so the trap is set well before the timeout (node may not be)
    const r = await runProcess('sh', ['-c', "trap '' TERM; echo ready; sleep 6"], { timeoutMs: 300 });
    const took = Date.now() - t0;
    expect(r).toMatchObject({ code: -1, signal: 'SIGKILL', stdout: 'ready', timedOut: true });
    expect(took).toBeGreaterThanOrEqual(300 + KILL_GRACE_MS - 50);
    expect(took).toBeLessThan(300 + KILL_GRACE_MS + 5000);
  });

  it('a grandchild holding the pipes does not keep a timed-out call waiting', async () => {
    // sh dies of SIGTERM at once; its background sleep keeps stdout open until it ends (8 s)
    const t0 = Date.now();
    const r = await runProcess('sh', ['-c', 'sleep 8 & echo started; wait'], { timeoutMs: 300 });
    expect(r).toMatchObject({ code: -1, stdout: 'started', timedOut: true });
    expect(Date.now() - t0).toBeLessThan(300 + KILL_GRACE_MS + 3000);
  });

  it('without a timeout a slow child runs to its end', async () => {
    const r = await runProcess(node, js("setTimeout(() => { console.log('done'); process.exit(4) }, 400)"));
    expect(r).toEqual({ code: 4, signal: null, stdout: 'done', stderr: '', timedOut: false });
  });

  it('output of exactly maxBytes is kept whole; one byte more stops the child', async () => {
    const exact = await runProcess(node, js("process.stdout.write('x'.repeat(1000))"), { maxBytes: 1000 });
    expect(exact).toEqual({ code: 0, signal: null, stdout: 'x'.repeat(1000), stderr: '', timedOut: false });

    const over = await runProcess(node, js("process.stdout.write('x'.repeat(1001)); setInterval(() => {}, 1000)"), {
      maxBytes: 1000,
    });
    expect(over.code).toBe(-1);
    expect(over.stdout).toBe('x'.repeat(1000));
    expect(over.stderr).toBe(`${node}: stdout over 1000 bytes`);
    expect(over.timedOut).toBe(false);
  });

  it('a runaway stderr is capped too, and what it said before is kept', async () => {
    const r = await runProcess(node, js("for (;;) process.stderr.write('e'.repeat(4096))"), { maxBytes: 10_000 });
    expect(r.code).toBe(-1);
    expect(r.stderr).toBe(`${'e'.repeat(10_000)}\n${node}: stderr over 10000 bytes`);
  });

  it('writes the input to stdin; a child that does not read it is no crash', async () => {
    const echo = await runProcess(node, js('process.stdin.pipe(process.stdout)'), { input: 'put /k v\n' });
    expect(echo).toMatchObject({ code: 0, stdout: 'put /k v' });
    const big = 'y'.repeat(4 * 1024 * 1024);
    const ignored = await runProcess(node, js('process.exit(0)'), { input: big });
    expect(ignored).toMatchObject({ code: 0, stdout: '' });
  });

  it('stdin is closed when there is no input (a reader sees end of file, not a hang)', async () => {
    const r = await runProcess(
      node,
      js("let n = 0; process.stdin.on('data', (c) => { n += c.length }).on('end', () => console.log(n))"),
      {
        timeoutMs: 10_000,
      },
    );
    expect(r).toMatchObject({ code: 0, stdout: '0', timedOut: false });
  });

  it('passes env and argv0 as given', async () => {
    const r = await runProcess(node, js('console.log(process.argv0 + " " + process.env.TDR_PROBE)'), {
      env: { ...process.env, TDR_PROBE: 'here' },
      argv0: 'talosctl-lab',
    });
    expect(r.stdout).toBe('talosctl-lab here');
  });
});

describe('chomp', () => {
  it('drops one final newline (LF or CRLF) and nothing else', () => {
    expect(chomp('a\n')).toBe('a');
    expect(chomp('a\r\n')).toBe('a');
    expect(chomp('a\n\n')).toBe('a\n');
    expect(chomp('\na')).toBe('\na');
    expect(chomp('')).toBe('');
  });
});
