import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { AnyRecord } from '../../src/audit/log-format.js';
import { verifyJournal } from '../../src/audit/verify.js';
import { lintRunbook } from '../../src/compile/lint.js';
import { createRunEvents, type RunEvent, type RunEventListener } from '../../src/engine/events.js';
import { Journal } from '../../src/engine/journal.js';
import { parseParams } from '../../src/engine/params.js';
import { type Prompter, PromptInterrupted } from '../../src/engine/prompter.js';
import { readOnlyTalosctl } from '../../src/engine/read-only-talosctl.js';
import { executeRun, type RunResult } from '../../src/engine/run.js';
import { createRunReplay, createSession } from '../../src/engine/session.js';
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

export async function go(o: Go): Promise<{ result: RunResult; records: AnyRecord[]; log: string; events: RunEvent[] }> {
  const lint = lintRunbook(o.text ?? REMOVE_RUNBOOK, 'test.yaml');
  if (!lint.ok) throw new Error(JSON.stringify(lint.errors));
  const log = o.log ?? tmpLog();
  let journal: Journal;
  let replay: ReturnType<typeof createRunReplay> | undefined;
  if (o.resume) {
    const r = Journal.resume(log);
    journal = r.journal;
    // the replay `talos-dr resume` builds (before, the harness had its own, which took a gated
    // step's re-approval for an approval of the steps after it)
    replay = createRunReplay(lint.runbook, r.records);
    journal.append('deviation', { step: null, kind: 'resume', detail: 'test resume' });
  } else {
    journal = Journal.create(log);
    journal.append('run-start', {
      runbook: 'test.yaml',
      runbookSha256: '0'.repeat(64),
      params: {},
      operator: 'tester',
      host: 'h',
      toolVersion: '0',
      talosctlVersion: null,
      dryRun: o.dryRun === true,
    });
  }
  const prompter = o.prompter ?? nobody;
  const events: RunEvent[] = [];
  const bus = createRunEvents((e) => events.push(e), ...(o.onEvent ? [o.onEvent] : []));
  const result = await executeRun({
    runbook: lint.runbook,
    compiled: lint.compiled,
    params: parseParams(lint.runbook.params, o.params ?? PARAMS),
    talosctl: o.dryRun ? readOnlyTalosctl(o.fake) : o.fake,
    journal,
    events: bus,
    prompter,
    policy: { interactive: prompter.interactive, preApproved: new Set(o.approve ?? []), operator: 'tester' },
    dryRun: o.dryRun === true,
    signal: o.signal ?? new AbortController().signal,
    ...(replay ? { replay } : {}),
  });
  journal.close();
  const v = verifyJournal(readFileSync(log, 'utf8'));
  if (!v.ok) throw new Error(`journal does not verify: ${v.reason}`);
  return { result, records: v.records, log, events };
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

/**
 * A whole session as `talos-dr run` builds it (createSession: the cluster-identity read and
 * lock, the log, the view, the events), on the fake talosctl, its output captured. For tests of
 * the session itself; `go` drives the run loop alone, so its tests see only the run's own calls.
 */
export async function goSession(o: Pick<Go, 'fake' | 'text' | 'params' | 'approve' | 'prompter' | 'onEvent'>): Promise<{
  result: RunResult;
  records: AnyRecord[];
  log: string;
  events: RunEvent[];
  stdout: string;
  stderr: string;
}> {
  const lint = lintRunbook(o.text ?? REMOVE_RUNBOOK, 'test.yaml');
  if (!lint.ok) throw new Error(JSON.stringify(lint.errors));
  const out = { stdout: '', stderr: '' };
  const events: RunEvent[] = [];
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
      env: { ...process.env, NO_COLOR: '1' },
      cwd: process.cwd(),
      signal: new AbortController().signal,
    },
    runbookPath: 'test.yaml',
    runbookText: o.text ?? REMOVE_RUNBOOK,
    runbook: lint.runbook,
    compiled: lint.compiled,
    params: parseParams(lint.runbook.params, o.params ?? PARAMS),
    approve: o.approve ?? [],
    operator: 'tester',
    target: { talosctl: undefined, talosconfig: undefined, context: undefined, endpoints: [] },
    dryRun: false,
    logPath: tmpLog(),
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
  return { result, records: v.records, log: session.logPath, events, ...out };
}
