import { chmodSync, existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { toNodeOutcome } from '../../src/talos/outcome.js';
import { classifyError, parseMembers } from '../../src/talos/parse/index.js';
import { type CommandResult, createTalosctl } from '../../src/talos/talosctl.js';

/**
 * Hung and broken talosctl stand-ins through the adapter: hangs (sleep forever, SIGTERM ignored, a
 * grandchild holding the pipe), garbage output, a crash by signal, a missing or non-executable
 * binary, and every recorded failure (each known error text, partial multi-node failures of both
 * generations) replayed by a real process. Each must come out as a clear failure, and nothing may
 * outlive the call: /proc is scanned for the process group and recorded grandchildren after each.
 * The same stand-ins run through `talos-dr run` in broken-through-run.ts.
 */

const ROOT = new URL('../../', import.meta.url).pathname;
const FAKE = join(ROOT, 'fixtures/bin/fake-talosctl.mjs');
const FIXTURES = join(ROOT, 'fixtures/talosctl');

export interface BrokenFigures {
  cases: number;
  clearFailures: number;
  unclear: number;
  orphans: number;
  /** the worst time from the timeout firing to the call returning, for the hang cases */
  maxKillLatencyMs: number;
  timeoutMs: number;
  killGraceMs: number;
  samples: string[];
}

/** Live (non-zombie) processes in process group `pgid`, or with a pid in `pids`. */
export function survivors(pgid: number | undefined, pids: readonly number[]): number[] {
  const out: number[] = [];
  for (const entry of readdirSync('/proc')) {
    if (!/^\d+$/.test(entry)) continue;
    try {
      const stat = readFileSync(`/proc/${entry}/stat`, 'utf8');
      const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
      if (fields[0] === 'Z') continue;
      if ((pgid !== undefined && Number(fields[2]) === pgid) || pids.includes(Number(entry))) out.push(Number(entry));
    } catch {
      // gone while we looked
    }
  }
  return out;
}

export interface Case {
  name: string;
  binary?: string;
  env?: Record<string, string>;
  hang?: boolean;
  /** is the outcome the clear failure this case must give? */
  clear: (r: CommandResult) => boolean;
}

const outcome = (r: CommandResult) => toNodeOutcome(r);

export function fixtureCases(): Case[] {
  const out: Case[] = [];
  for (const ver of readdirSync(FIXTURES)) {
    for (const cmd of readdirSync(join(FIXTURES, ver))) {
      for (const name of readdirSync(join(FIXTURES, ver, cmd))) {
        const dir = join(FIXTURES, ver, cmd, name);
        const e = JSON.parse(readFileSync(join(dir, 'expected.json'), 'utf8')) as {
          exitCode: number;
          error?: { kind?: string };
          outcome?: { ok: boolean; partial: boolean };
        };
        const failing =
          e.exitCode !== 0 || (e.error?.kind !== undefined && e.error.kind !== 'none') || e.outcome?.ok === false;
        if (!failing) continue;
        const stdout = readFileSync(join(dir, 'stdout.txt'), 'utf8');
        const stderr = readFileSync(join(dir, 'stderr.txt'), 'utf8');
        out.push({
          name: `${ver}/${cmd}/${name}`,
          env: { FAKE_STDOUT: stdout, FAKE_STDERR: stderr, FAKE_EXIT: String(e.exitCode) },
          clear: (r) => {
            const o = outcome(r);
            const kindOk = e.error?.kind === undefined || classifyError(r.stderr).kind === e.error.kind;
            const outcomeOk = e.outcome === undefined || (o.ok === e.outcome.ok && o.partial === e.outcome.partial);
            const failedOk = e.exitCode === 0 || (!o.ok && o.errors.length > 0 && o.errors.every((x) => x.desc !== ''));
            return kindOk && outcomeOk && failedOk && r.stdout === stdout && r.stderr === stderr;
          },
        });
      }
    }
  }
  return out;
}

/** Two broken talosctl binaries in `dir`: one not executable, one that dies by SIGSEGV. */
export function brokenBinaries(dir: string): { notExec: string; segv: string } {
  const notExec = join(dir, 'talosctl-not-executable');
  writeFileSync(notExec, '#!/bin/sh\necho hi\n');
  chmodSync(notExec, 0o644);
  const segv = join(dir, 'talosctl-segv');
  writeFileSync(segv, '#!/bin/sh\necho "half a tab" \nkill -SEGV $$\n');
  chmodSync(segv, 0o755);
  return { notExec, segv };
}

/** `fixtures: false` keeps only the hangs and broken binaries (the CI subset). */
export async function brokenTalosctl(
  opts: { timeoutMs?: number; killGraceMs?: number; fixtures?: boolean } = {},
): Promise<BrokenFigures> {
  const timeoutMs = opts.timeoutMs ?? 400;
  const killGraceMs = opts.killGraceMs ?? 400;
  const tmp = mkdtempSync(join(tmpdir(), 'tdr-broken-'));
  const { notExec, segv } = brokenBinaries(tmp);
  const f: BrokenFigures = {
    cases: 0,
    clearFailures: 0,
    unclear: 0,
    orphans: 0,
    maxKillLatencyMs: 0,
    timeoutMs,
    killGraceMs,
    samples: [],
  };
  const hang = (r: CommandResult) => {
    const o = outcome(r);
    return r.timedOut && !o.ok && o.reason === 'timeout' && o.errors[0]?.retryable === true;
  };
  const cases: Case[] = [
    { name: 'hang: sleeps forever', env: { FAKE_MODE: 'sleep' }, hang: true, clear: hang },
    { name: 'hang: ignores SIGTERM', env: { FAKE_MODE: 'ignore-term' }, hang: true, clear: hang },
    { name: 'hang: grandchild holds the pipe', env: { FAKE_MODE: 'grandchild' }, hang: true, clear: hang },
    {
      name: 'garbage output, exit 0',
      env: { FAKE_STDOUT: '\u0001\u00ff garbage ]]] {{\nNODE  ???\n', FAKE_EXIT: '0' },
      clear: (r) => !parseMembers(r.stdout).ok,
    },
    {
      name: 'garbage on stderr, exit 2',
      env: { FAKE_STDERR: 'panic: runtime error: index out of range [3]\n\ngoroutine 1 [running]:', FAKE_EXIT: '2' },
      clear: (r) => !outcome(r).ok && classifyError(r.stderr).kind === 'unknown',
    },
    {
      name: 'killed by SIGSEGV',
      binary: segv,
      clear: (r) => r.signal === 'SIGSEGV' && !outcome(r).ok && /signal SIGSEGV/.test(outcome(r).errors[0]?.desc ?? ''),
    },
    {
      name: 'missing binary',
      binary: join(tmp, 'no-such-talosctl'),
      clear: (r) => outcome(r).reason === 'spawn-error' && /not found \(ENOENT\)/.test(r.spawnError?.message ?? ''),
    },
    {
      name: 'binary not executable',
      binary: notExec,
      clear: (r) => outcome(r).reason === 'spawn-error' && /EACCES/.test(r.spawnError?.message ?? ''),
    },
    ...(opts.fixtures === false ? [] : fixtureCases()),
  ];
  try {
    for (const c of cases) {
      f.cases++;
      const pidOut = join(tmp, `pid-${f.cases}`);
      const t = createTalosctl({
        binary: c.binary ?? FAKE,
        env: { ...c.env, FAKE_PID_OUT: pidOut },
        // the short timeout is for the hangs; a recorded failure must never be cut short by load
        defaultTimeoutMs: c.hang ? timeoutMs : 30_000,
        killGraceMs,
      });
      const r = await t.run('127.0.0.11', ['etcd', 'members']);
      if (c.clear(r)) f.clearFailures++;
      else {
        f.unclear++;
        if (f.samples.length < 10)
          f.samples.push(`unclear: ${c.name}: ${JSON.stringify({ ...r, outcome: outcome(r) }).slice(0, 800)}`);
      }
      if (c.hang) f.maxKillLatencyMs = Math.max(f.maxKillLatencyMs, r.durationMs - timeoutMs);
      const recorded = existsSync(pidOut) ? [Number(readFileSync(pidOut, 'utf8'))] : [];
      const left = survivors(r.pid, recorded);
      if (left.length > 0) {
        f.orphans += left.length;
        if (f.samples.length < 10) f.samples.push(`orphans after ${c.name}: ${left.join(', ')}`);
        for (const p of left) {
          try {
            process.kill(p, 'SIGKILL');
          } catch {
            // already gone
          }
        }
      }
    }
  } finally {
    rmSync(tmp, { recursive: true, force: true });
  }
  return f;
}
