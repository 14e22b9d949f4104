import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import type { AnyRecord } from '../../src/audit/log-format.js';
import { verifyJournal } from '../../src/audit/verify.js';
import { lintRunbook } from '../../src/compile/lint.js';
import type { RunEvent, RunEventListener } from '../../src/engine/events.js';
import { Journal } from '../../src/engine/journal.js';
import { acquireLock, logLockKey } from '../../src/engine/lock.js';
import { parseParams } from '../../src/engine/params.js';
import { type Prompter, PromptInterrupted } from '../../src/engine/prompter.js';
import type { RunResult } from '../../src/engine/run.js';
import { createSession } from '../../src/engine/session.js';
import { F_IDS, F_NODES, type FakeTalosctl, fakeTalosctl } from '../helpers/fake-talosctl.js';

export const REMOVE_RUNBOOK = `apiVersion: talos-dr/v1
kind: Runbook
metadata: { name: t-remove, title: Remove a member (test) }
params:
  nodes: { type: nodes, description: control plane nodes }
  healthy: { type: node, description: a healthy node }
  member: { type: memberId, description: the member to remove }
steps:
  - id: pre
    precondition: { check: member-present, with: { nodes: { ref: params.nodes }, member: { ref: params.member } } }
  - id: confirm-remove
    confirm: { prompt: Remove the member, token: { ref: params.member } }
  - id: remove
    talosctl: [etcd, remove-member, { ref: params.member }]
    node: { ref: params.healthy }
  - id: gone
    postcondition: { check: member-absent, with: { nodes: { ref: params.nodes }, member: { ref: params.member } } }
`;

export const PARAMS = [`nodes=${F_NODES.join(',')}`, `healthy=${F_NODES[0]}`, `member=${F_IDS[2]}`];

export function tmpLog(): string {
  return join(mkdtempSync(join(tmpdir(), 'tdr-engine-')), 'run.jsonl');
}

/** A prompter that answers from a script; an exhausted script is Ctrl-C. */
export function scripted(answers: string[]): Prompter & { asked: string[] } {
  const asked: string[] = [];
  return {
    interactive: true,
    asked,
    async input(message) {
      asked.push(message);
      const a = answers.shift();
      if (a === undefined) throw new PromptInterrupted('script ran out');
      return a;
    },
  };
}

export const nobody: Prompter = { interactive: false, input: () => Promise.reject(new PromptInterrupted('none')) };

export interface Go {
  fake: FakeTalosctl;
  text?: string;
  params?: string[];
  prompter?: Prompter;
  approve?: string[];
  dryRun?: boolean;
  log?: string;
  resume?: boolean;
  signal?: AbortSignal;
  /** hears each event as it is told (the harness also returns them all) */
  onEvent?: RunEventListener;
}

export interface GoResult {
  result: RunResult;
  records: AnyRecord[];
  log: string;
  events: RunEvent[];
  stdout: string;
  stderr: string;
}

/**
 * One run (or, with `resume`, one resume of `log`) as `talos-dr run` / `talos-dr resume` build
 * it: createSession with the fake as the injected adapter, so the tests drive what the CLI
 * drives — the cluster-identity read and lock, the run-start (or resume) record, the view, the
 * event stream — on a captured stdout/stderr. The journal must verify afterwards.
 *
 * What is left out, on purpose: no witness (a log cut after the run, standing for a crash, would
 * rightly be caught as a cut by its checkpoint heads); the talosconfig is a path that does not
 * exist in a temp dir (never the user's ~/.talos/config).
 */
export async function go(o: Go): Promise<GoResult> {
  const text = o.text ?? REMOVE_RUNBOOK;
  const lint = lintRunbook(text, 'test.yaml');
  if (!lint.ok) throw new Error(JSON.stringify(lint.errors));
  const log = o.log ?? tmpLog();
  const out = { stdout: '', stderr: '' };
  const events: RunEvent[] = [];
  const env = { ...process.env, NO_COLOR: '1', TALOSCONFIG: join(dirname(log), 'no-talosconfig') };
  // resume: the log's own lock, then the verified journal reopened, as resumeCommand does
  const logLock = o.resume
    ? acquireLock({ key: logLockKey(log), operator: 'tester', runbook: `resume of ${log}` })
    : undefined;
  try {
    const opened = o.resume ? Journal.resume(log) : undefined;
    try {
      const session = await createSession({
        ctx: {
          stdout: {
            write: (t: string) => {
              out.stdout += t;
            },
          },
          stderr: {
            write: (t: string) => {
              out.stderr += t;
            },
          },
          env,
          cwd: process.cwd(),
          signal: o.signal ?? new AbortController().signal,
        },
        runbookPath: 'test.yaml',
        runbookText: text,
        runbook: lint.runbook,
        compiled: lint.compiled,
        params: parseParams(lint.runbook.params, o.params ?? PARAMS),
        approve: o.approve ?? [],
        operator: 'tester',
        target: { talosctl: undefined, talosconfig: undefined, context: undefined, endpoints: [] },
        dryRun: o.dryRun === true,
        ...(opened ? { resume: { path: log, journal: opened.journal, records: opened.records } } : { logPath: log }),
        talosctl: o.fake,
        prompter: o.prompter ?? nobody,
        onEvent: (e) => {
          events.push(e);
          o.onEvent?.(e);
        },
      });
      const result = await session.run();
      const v = verifyJournal(readFileSync(session.logPath, 'utf8'));
      if (!v.ok) throw new Error(`journal does not verify: ${v.reason}`);
      // the summary's logPath is the session's own, not part of the run's result
      const { logPath: _, ...run } = result;
      return { result: run, records: v.records, log: session.logPath, events, ...out };
    } finally {
      opened?.journal.close();
    }
  } finally {
    logLock?.release();
  }
}

export const removeCalls = (f: FakeTalosctl) => f.calls.filter((c) => c.args[1] === 'remove-member');

/**
 * A log cut right after the first command intent of a full run: the crash left that command's
 * outcome unknown. The full run must succeed.
 */
export async function cutAfterFirstIntent(o: Pick<Go, 'text' | 'params' | 'approve'>): Promise<string> {
  const full = await go({ fake: fakeTalosctl(), ...o });
  if (full.result.exitCode !== 0) throw new Error(`the full run failed: ${JSON.stringify(full.result)}`);
  const lines = readFileSync(full.log, 'utf8').trimEnd().split('\n');
  const at = full.records.findIndex((r) => r.type === 'command-intent');
  const log = tmpLog();
  writeFileSync(log, `${lines.slice(0, at + 1).join('\n')}\n`);
  return log;
}

/** The same session as `go` (session.test.ts names it so: it tests the session itself). */
export const goSession: (o: Go) => Promise<GoResult> = go;
