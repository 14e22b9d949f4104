import { describe, expect, it } from 'vitest';
import type { AnyRecord } from '../../src/audit/log-format.js';
import { createRunEvents } from '../../src/engine/events.js';
import { Journal } from '../../src/engine/journal.js';
import { noPrompter, type Prompter } from '../../src/engine/prompter.js';
import { type ExecuteOptions, executeRun } from '../../src/engine/run.js';
import { createRunReplay } from '../../src/engine/session-replay.js';
import { compileText } from '../helpers/drive-machine.js';
import { F_IDS, F_NODES, fakeTalosctl } from '../helpers/fake-talosctl.js';
import { memorySink, steppingClock } from '../helpers/sample-log.js';

/**
 * The run loop (run.ts), in process on the fake talosctl: each step entered is announced once
 * (step-start), the outcome maps to its exit code, Ctrl-C ends it 'interrupted' (130), and a
 * resumed run whose irreversible command has an unknown outcome does not run it again without a
 * fresh approval of that step.
 */
const STEPS = `  - id: c
    confirm: { prompt: Remove the member? }
  - id: rm
    talosctl: [etcd, remove-member, ${F_IDS[2]}]
    node: ${F_NODES[0]}
    done: { check: member-absent, with: { nodes: { ref: params.nodes }, member: ${F_IDS[2]} } }
  - id: ok
    end: { outcome: success, message: removed }`;

function setup(o: { approve?: string[]; records?: AnyRecord[]; prompter?: Prompter; signal?: AbortSignal } = {}) {
  const { runbook, compiled } = compileText(STEPS);
  const sink = memorySink();
  const journal = Journal.create('mem', { sink, clock: steppingClock() });
  const talosctl = fakeTalosctl();
  const opts: ExecuteOptions = {
    runbook,
    compiled,
    params: { nodes: [...F_NODES] },
    talosctl,
    journal,
    events: createRunEvents(),
    prompter: o.prompter ?? noPrompter,
    policy: { interactive: false, preApproved: new Set(o.approve ?? []), operator: 'ops' },
    dryRun: false,
    signal: o.signal ?? new AbortController().signal,
    ...(o.records ? { replay: createRunReplay(runbook, o.records) } : {}),
    sleep: async () => undefined,
  };
  const records = () =>
    sink
      .text()
      .split('\n')
      .filter(Boolean)
      .map((l) => JSON.parse(l) as AnyRecord);
  const removes = () => talosctl.calls.filter((c) => c.args[1] === 'remove-member');
  return { opts, records, talosctl, removes };
}

/** What the first run wrote between its approval and its intent: the recheck that passed. */
function recheckPassed(journal: Journal): void {
  journal.append('check', {
    step: 'rm:recheck',
    name: 'approval-fingerprint',
    args: { approvedAt: 'c' },
    observed: {},
    verdict: 'pass',
    summary: 'the cluster is as it was when approved',
  });
}

describe('executeRun', () => {
  it('approved by --approve: runs to success (exit 0), announcing each step once, and writes run-end', async () => {
    const s = setup({ approve: ['c'] });
    const r = await executeRun(s.opts);
    expect(r).toMatchObject({ outcome: 'success', exitCode: 0, stepId: 'ok', message: 'removed', steps: 2 });
    expect(s.removes()).toHaveLength(1);
    const starts = s
      .records()
      .filter((x) => x.type === 'step-start')
      .map((x) => x.payload.step);
    expect(starts).toEqual(['c', 'rm']);
    expect(s.records().at(-1)).toMatchObject({ type: 'run-end', payload: { outcome: 'success', exitCode: 0 } });
  });

  it('a one-step loop body is announced once per node (each pass is a step entry)', async () => {
    const { runbook, compiled } = compileText(
      `  - id: each\n    foreach: { in: { ref: params.nodes }, as: n }\n    steps:\n      - id: st\n        talosctl: [etcd, status]\n        node: { ref: n }\n  - id: ok\n    end: { outcome: success, message: ok }`,
    );
    const s = setup();
    const r = await executeRun({ ...s.opts, runbook, compiled });
    expect(r.steps).toBe(3);
    const starts = s.records().filter((x) => x.type === 'step-start' || x.type === 'command-result');
    expect(starts.map((x) => `${x.type} ${(x.payload as { node?: string }).node ?? ''}`.trim())).toEqual([
      'step-start',
      `command-result ${F_NODES[0]}`,
      'step-start',
      `command-result ${F_NODES[1]}`,
      'step-start',
      `command-result ${F_NODES[2]}`,
    ]);
  });

  it('no terminal and no --approve: stopped at the gate (exit 3), nothing removed', async () => {
    const s = setup();
    const r = await executeRun(s.opts);
    expect(r).toMatchObject({
      outcome: 'stopped-at-gate',
      exitCode: 3,
      message: 'stopped at c: no approval in a non-interactive run',
    });
    expect(s.removes()).toEqual([]);
  });

  it('already aborted (Ctrl-C before the start): interrupted, exit 130, nothing removed', async () => {
    const ac = new AbortController();
    ac.abort(new Error('Ctrl-C'));
    const s = setup({ approve: ['c'], signal: ac.signal });
    const r = await executeRun(s.opts);
    expect(r).toMatchObject({ outcome: 'interrupted', exitCode: 130 });
    expect(s.removes()).toEqual([]);
    expect(s.records().at(-1)).toMatchObject({ type: 'run-end', payload: { outcome: 'interrupted', exitCode: 130 } });
  });

  it('resume after a crash mid-remove: the member still listed, the command is NOT run again without its own approval', async () => {
    // the first run: approved at c, the intent of rm written, then the crash (no result)
    const first = setup({ approve: ['c'] });
    first.opts.journal.append('approval', {
      step: 'c',
      who: 'ops',
      how: 'flag',
      when: '2026-11-24T03:00:00Z',
      fingerprint: 'f'.repeat(64),
      approved: true,
    });
    recheckPassed(first.opts.journal);
    first.opts.journal.append('command-intent', {
      step: 'rm',
      argv: ['etcd', 'remove-member', F_IDS[2]],
      node: F_NODES[0],
      effect: 'irreversible',
    });
    // the resume, with --approve c only (given for the first attempt)
    const s = setup({ approve: ['c'], records: first.records() });
    const r = await executeRun(s.opts);
    expect(s.removes()).toEqual([]);
    expect(r).toMatchObject({ outcome: 'stopped-at-gate', exitCode: 3, stepId: 'rm' });
    expect(s.records().some((x) => x.type === 'deviation' && x.payload.kind === 'outcome-unknown')).toBe(true);
  });

  it('resume after a crash mid-remove, the member gone: the step counts as done and is not run again', async () => {
    const first = setup({ approve: ['c'] });
    first.opts.journal.append('approval', {
      step: 'c',
      who: 'ops',
      how: 'flag',
      when: '2026-11-24T03:00:00Z',
      fingerprint: 'f'.repeat(64),
      approved: true,
    });
    recheckPassed(first.opts.journal);
    first.opts.journal.append('command-intent', {
      step: 'rm',
      argv: ['etcd', 'remove-member', F_IDS[2]],
      node: F_NODES[0],
      effect: 'irreversible',
    });
    const s = setup({ approve: ['c'], records: first.records() });
    s.talosctl.state.members = s.talosctl.state.members.filter((m) => m.id !== F_IDS[2]);
    const r = await executeRun(s.opts);
    expect(s.removes()).toEqual([]);
    expect(r).toMatchObject({ outcome: 'success', exitCode: 0 });
  });

  it('resume with --approve rm: the step runs again once, recorded as a flag approval', async () => {
    const first = setup();
    first.opts.journal.append('approval', {
      step: 'c',
      who: 'ops',
      how: 'flag',
      when: '2026-11-24T03:00:00Z',
      fingerprint: 'f'.repeat(64),
      approved: true,
    });
    recheckPassed(first.opts.journal);
    first.opts.journal.append('command-intent', {
      step: 'rm',
      argv: ['etcd', 'remove-member', F_IDS[2]],
      node: F_NODES[0],
      effect: 'irreversible',
    });
    const s = setup({ approve: ['rm'], records: first.records() });
    const r = await executeRun(s.opts);
    expect(s.removes()).toHaveLength(1);
    expect(r.exitCode).toBe(0);
  });
});
