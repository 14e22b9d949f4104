import { chmodSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it, onTestFinished } from 'vitest';
import { lintRunbook } from '../../src/compile/lint.js';
import { actAtStep } from '../../src/drill/act-at-step.js';
import { runSession } from '../../src/engine/session.js';

/**
 * The drill's during-run act through a real session (a real talosctl process, the real journal):
 * it fires when the named step starts — its step-start is in the log, and nothing of the step
 * after it — told in process by the session, with no log polling.
 */

const RUNBOOK = `apiVersion: talos-dr/v1
kind: Runbook
metadata: { name: t-three-reads, title: Three reads (test) }
params:
  nodes: { type: nodes, description: nodes }
steps:
  - id: first
    talosctl: [etcd, members]
    nodes: { ref: params.nodes }
  - id: second
    talosctl: [etcd, members]
    nodes: { ref: params.nodes }
  - id: third
    talosctl: [etcd, members]
    nodes: { ref: params.nodes }
`;

/** A stand-in talosctl: a cluster id for `get info`, a version, and an empty answer to the rest. */
const STAND_IN = `#!${process.execPath}
const a = process.argv.slice(2);
if (a.includes('info')) process.stdout.write(JSON.stringify({ spec: { clusterId: 'drill-step-act-test' } }));
else if (a.includes('version')) process.stdout.write('Client:\\n\\tTag:         v1.14.0\\n');
else setTimeout(() => process.stdout.write('NODE   ID   HOSTNAME   PEER URLS   CLIENT URLS   LEARNER\\n'), 200);
`;

describe('a drill act during a real session', () => {
  it('fires at the named step: its step-start is logged, nothing of the next step is', async () => {
    const work = mkdtempSync(join(tmpdir(), 'tdr-step-act-'));
    const talosctl = join(work, 'talosctl');
    writeFileSync(talosctl, STAND_IN);
    chmodSync(talosctl, 0o755);
    const log = join(work, 'run.jsonl');
    const lint = lintRunbook(RUNBOOK, 'three.yaml');
    if (!lint.ok) throw new Error(JSON.stringify(lint.errors));
    // what the log held when the act ran: read first thing, before the act yields
    let logAtAct: { type: string; payload: { step?: string } }[] = [];
    let acts = 0;
    const during = actAtStep('second', async () => {
      acts++;
      logAtAct = readFileSync(log, 'utf8')
        .split('\n')
        .filter(Boolean)
        .map((l) => JSON.parse(l));
      return 'acted at second';
    });
    const ac = new AbortController();
    onTestFinished(() => ac.abort());
    const out: string[] = [];
    const r = await runSession({
      ctx: {
        stdout: { write: (t: string) => out.push(t) },
        stderr: { write: () => true },
        env: process.env,
        cwd: work,
        signal: ac.signal,
      },
      runbookPath: join(work, 'three.yaml'),
      runbookText: RUNBOOK,
      runbook: lint.runbook,
      compiled: lint.compiled,
      params: { nodes: ['127.0.0.81'] },
      approve: [],
      operator: 'tester',
      target: { talosctl, talosconfig: undefined, context: undefined, endpoints: [] },
      dryRun: false,
      logPath: log,
      onEvent: during.onEvent,
    });
    expect(r, out.join('')).toMatchObject({ outcome: 'success', exitCode: 0 });
    expect(await during.settled()).toBe('acted at second');
    expect(acts).toBe(1);
    const starts = logAtAct.filter((x) => x.type === 'step-start').map((x) => x.payload.step);
    expect(starts).toEqual(['first', 'second']);
    // the act came before the second step's command finished, and before the third began
    const steps = logAtAct.map((x) => `${x.type}:${x.payload.step ?? ''}`);
    expect(steps.slice(steps.indexOf('step-start:second'))).toEqual(['step-start:second']);
    // the view still drew every step (the hook wraps it, it does not replace it)
    expect(out.join('')).toMatch(/▶ first[\s\S]*▶ second[\s\S]*▶ third/);
  });
});
