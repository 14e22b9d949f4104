import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { execa } from 'execa';
import { brokenBinaries, fixtureCases, survivors } from './broken-talosctl.js';

/**
 * The hung and broken talosctl stand-ins through `talos-dr run` (the adapter-level cases are in
 * broken-talosctl.ts): each must end the run with a clear failure line naming the step, the
 * documented exit code (1: a step failed; 4: a precondition could not be proven, nothing was
 * changed), a log that verifies, and no process left behind. The stand-in answers talos-dr's
 * own `version --client` normally (FAKE_ONLY), so the fault hits the runbook's step.
 */

const ROOT = new URL('../../', import.meta.url).pathname;
const BIN = join(ROOT, 'bin/talos-dr');
const FAKE = join(ROOT, 'fixtures/bin/fake-talosctl.mjs');

const STEP_RUNBOOK = `apiVersion: talos-dr/v1
kind: Runbook
metadata: { name: broken-step, title: One talosctl step }
params:
  nodes: { type: nodes, description: nodes }
steps:
  - id: members
    title: List the members
    talosctl: [etcd, members]
    nodes: { ref: params.nodes }
    timeout: 1s
`;
const CHECK_RUNBOOK = `apiVersion: talos-dr/v1
kind: Runbook
metadata: { name: broken-check, title: One check }
params:
  nodes: { type: nodes, description: nodes }
steps:
  - id: members-listed
    title: Every member is listed
    precondition:
      check: members-count
      with: { nodes: { ref: params.nodes }, count: 3 }
`;

export interface RunCase {
  name: string;
  binary?: string;
  env?: Record<string, string>;
  /** through a check (output parsed) rather than a talosctl step */
  check?: boolean;
  exit: number;
  /** what the failure line must say */
  says: RegExp;
}

export interface ThroughRunFigures {
  cases: number;
  expectedExit: number;
  clearLine: number;
  logsVerified: number;
  orphans: number;
  samples: string[];
}

function cases(tmp: string, fixtures: boolean): RunCase[] {
  const { notExec, segv } = brokenBinaries(tmp);
  const only = { FAKE_ONLY: 'etcd members' };
  // the adapter's per-call timeout ends each call (the node did not answer); a read-only run does
  // not ask a node again once it timed out (here: while reading the cluster identity)
  const timedOut = /run failed at members: (timed out|.*did not answer)/;
  return [
    { name: 'hang: sleeps forever', env: { ...only, FAKE_MODE: 'sleep' }, exit: 1, says: timedOut },
    { name: 'hang: ignores SIGTERM', env: { ...only, FAKE_MODE: 'ignore-term' }, exit: 1, says: timedOut },
    { name: 'hang: grandchild holds the pipe', env: { ...only, FAKE_MODE: 'grandchild' }, exit: 1, says: timedOut },
    {
      name: 'garbage output, exit 0 (read by a check)',
      env: { ...only, FAKE_STDOUT: '\u0001\u00ff garbage ]]] {{\nNODE  ???\n', FAKE_EXIT: '0' },
      check: true,
      exit: 4,
      says: /precondition-failed at members-listed: .*output not understood/,
    },
    {
      name: 'garbage on stderr, exit 2',
      env: { ...only, FAKE_STDERR: 'panic: runtime error: index out of range [3]', FAKE_EXIT: '2' },
      exit: 1,
      says: /run failed at members: .*exit 2/,
    },
    { name: 'killed by SIGSEGV', binary: segv, exit: 1, says: /run failed at members: .*SIGSEGV/ },
    {
      name: 'missing binary',
      binary: join(tmp, 'no-such-talosctl'),
      exit: 1,
      says: /run failed at members: .*not found \(ENOENT\)/,
    },
    { name: 'binary not executable', binary: notExec, exit: 1, says: /run failed at members: .*EACCES/ },
    ...(fixtures
      ? fixtureCases().map(
          (c): RunCase => ({ name: c.name, env: { ...only, ...c.env }, exit: 1, says: /run failed at members: \S/ }),
        )
      : []),
  ];
}

/** `fixtures: false` keeps the hangs and broken binaries only (the CI subset). */
export async function brokenThroughRun(opts: { fixtures?: boolean; only?: string[] } = {}): Promise<ThroughRunFigures> {
  const tmp = mkdtempSync(join(tmpdir(), 'tdr-broken-run-'));
  const f: ThroughRunFigures = { cases: 0, expectedExit: 0, clearLine: 0, logsVerified: 0, orphans: 0, samples: [] };
  try {
    writeFileSync(join(tmp, 'step.yaml'), STEP_RUNBOOK);
    writeFileSync(join(tmp, 'check.yaml'), CHECK_RUNBOOK);
    const all = cases(tmp, opts.fixtures !== false).filter(
      (c) => opts.only === undefined || opts.only.includes(c.name),
    );
    for (const c of all) {
      f.cases++;
      const pidOut = join(tmp, `pid-${f.cases}`);
      const log = join(tmp, `run-${f.cases}.jsonl`);
      const runbook = join(tmp, c.check ? 'check.yaml' : 'step.yaml');
      const r = await execa(
        BIN,
        ['run', runbook, '--param', 'nodes=127.0.0.11,127.0.0.12', '--talosctl', c.binary ?? FAKE, '--log', log],
        { reject: false, stdin: 'ignore', env: { NO_COLOR: '1', FAKE_PID_OUT: pidOut, ...c.env }, timeout: 60_000 },
      );
      const out = `${r.stdout}\n${r.stderr}`;
      const bad: string[] = [];
      if (r.exitCode === c.exit) f.expectedExit++;
      else bad.push(`exit ${r.exitCode}, expected ${c.exit}`);
      if (c.says.test(out) && !/\n\s+at .+:\d+:\d+/.test(out)) f.clearLine++;
      else bad.push(`no clear line (${c.says})`);
      const v = await execa(BIN, ['log', 'verify', log], { reject: false, stdin: 'ignore' });
      if (v.exitCode === 0) f.logsVerified++;
      else bad.push('log does not verify');
      const recorded = existsSync(pidOut) ? [Number(readFileSync(pidOut, 'utf8'))] : [];
      const left = survivors(undefined, recorded);
      f.orphans += left.length;
      if (left.length > 0) bad.push(`left running: ${left.join(', ')}`);
      for (const p of left) {
        try {
          process.kill(p, 'SIGKILL');
        } catch {
          // already gone
        }
      }
      if (bad.length > 0 && f.samples.length < 10) f.samples.push(`${c.name}: ${bad.join('; ')}: ${out.slice(-400)}`);
    }
  } finally {
    rmSync(tmp, { recursive: true, force: true });
  }
  return f;
}
