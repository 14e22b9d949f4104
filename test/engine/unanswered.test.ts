import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { lintRunbook } from '../../src/compile/lint.js';
import { createUnanswered, isReadOnlyRunbook } from '../../src/engine/unanswered.js';
import { DEFAULTS } from '../../src/runbook/normalize.js';
import { toNodeOutcome } from '../../src/talos/outcome.js';
import type { CommandResult, Talosctl } from '../../src/talos/talosctl.js';
import { fakeTalosctl } from '../helpers/fake-talosctl.js';
import { go } from './harness.js';

/**
 * A read-only run remembers a node whose call timed out and does not wait on it again; a run
 * that can change the cluster always asks again, live. Only a timeout marks a node.
 */

const RUNBOOKS = join(import.meta.dirname, '../../runbooks');
const runbook = (name: string) => {
  const l = lintRunbook(readFileSync(join(RUNBOOKS, `${name}.yaml`), 'utf8'), `${name}.yaml`);
  if (!l.ok) throw new Error(JSON.stringify(l.errors));
  return l.runbook;
};

/** A talosctl whose calls to `hung` time out (as the adapter reports a killed call); counts every call. */
function timingOut(inner: Talosctl, hung: Set<string>, delayMs = 0) {
  const calls: Array<{ node: string; args: string[] }> = [];
  const t: Talosctl = {
    binary: inner.binary,
    async run(node, args, opts) {
      calls.push({ node, args: [...args] });
      if (delayMs > 0) await new Promise((r) => setTimeout(r, delayMs));
      if (!hung.has(node)) return inner.run(node, args, opts);
      const r: CommandResult = {
        argv: ['--nodes', node, ...args],
        binary: 'fake',
        node,
        pid: 1,
        exitCode: null,
        signal: 'SIGTERM',
        stdout: '',
        stderr: '',
        durationMs: opts?.timeoutMs ?? 0,
        timedOut: true,
        canceled: false,
      };
      return r;
    },
    runEach(nodes, args, opts) {
      return Promise.all(nodes.map((n) => t.run(n, args, opts)));
    },
    clientVersion: (opts) => inner.clientVersion(opts),
  };
  return { t, calls };
}

describe('read timeouts: the defaults', () => {
  it('a read-class step gets the read timeout; a change keeps the long one; an explicit timeout wins', () => {
    expect(DEFAULTS.readTimeoutMs).toBeLessThanOrEqual(15_000);
    const steps = runbook('health-check').steps;
    expect(steps.find((s) => s.id === 'members')).toMatchObject({
      kind: 'talosctl',
      timeoutMs: DEFAULTS.readTimeoutMs,
    });
    const l = lintRunbook(
      `apiVersion: talos-dr/v1
kind: Runbook
metadata: { name: t, title: t }
params: { node: { type: node, description: n } }
steps:
  - { id: slow-read, talosctl: [etcd, members], node: { ref: params.node }, timeout: 45s }
  - { id: defrag, talosctl: [etcd, defrag], node: { ref: params.node } }
`,
      't.yaml',
    );
    if (!l.ok) throw new Error(JSON.stringify(l.errors));
    expect(l.runbook.steps.map((s) => 'timeoutMs' in s && s.timeoutMs)).toEqual([45_000, DEFAULTS.timeoutMs]);
  });
});

describe('which runs remember a node that timed out', () => {
  it('health-check (reads and checks only) does; every runbook with a change, a gate or a manual step does not', () => {
    expect(isReadOnlyRunbook(runbook('health-check'))).toBe(true);
    for (const name of ['nospace-recovery', 'restore-from-snapshot'])
      expect(isReadOnlyRunbook(runbook(name))).toBe(false);
  });
});

describe('the memory of nodes that did not answer', () => {
  it('in a read-only run, a later read of a node that timed out fails at once, said so; other nodes are asked', async () => {
    const { t, calls } = timingOut(fakeTalosctl(), new Set(['10.5.0.3']));
    const u = createUnanswered({ remember: true });
    const w = u.wrap(t);
    const first = await w.run('10.5.0.3', ['etcd', 'members'], { timeoutMs: 10_000 });
    expect(first.timedOut).toBe(true);
    expect(u.nodes()).toEqual(['10.5.0.3']);
    const later = await w.runEach(['10.5.0.2', '10.5.0.3'], ['etcd', 'status']);
    expect(calls.map((c) => `${c.node} ${c.args.join(' ')}`)).toEqual([
      '10.5.0.3 etcd members',
      '10.5.0.2 etcd status',
    ]);
    const skipped = later[1] as CommandResult;
    expect(skipped).toMatchObject({ node: '10.5.0.3', timedOut: true, notAsked: 'timed out earlier in this run' });
    expect(skipped.stderr).toContain(
      'did not answer (timed out earlier in this run: talosctl etcd members after 10.0s)',
    );
    expect(toNodeOutcome(skipped)).toMatchObject({ ok: false, reason: 'timeout' });
    expect(toNodeOutcome(skipped).errors[0]?.desc).toBe('not asked: timed out earlier in this run');
  });

  it('never skips an argv that is not a read, even when told to remember', async () => {
    const { t, calls } = timingOut(fakeTalosctl(), new Set(['10.5.0.3']));
    const w = createUnanswered({ remember: true }).wrap(t);
    await w.run('10.5.0.3', ['etcd', 'members']);
    await w.run('10.5.0.3', ['etcd', 'defrag']);
    expect(calls).toHaveLength(2);
  });

  it('a slow answer within the timeout does not mark the node', async () => {
    const { t, calls } = timingOut(fakeTalosctl(), new Set(), 300);
    const u = createUnanswered({ remember: true });
    const w = u.wrap(t);
    const r = await w.run('10.5.0.3', ['etcd', 'members'], { timeoutMs: 10_000 });
    expect(r.exitCode).toBe(0);
    expect(u.nodes()).toEqual([]);
    await w.run('10.5.0.3', ['etcd', 'status']);
    expect(calls).toHaveLength(2);
  });

  it('a run that does not remember still asks again, and forgets a node once it answers', async () => {
    const hung = new Set(['10.5.0.3']);
    const { t, calls } = timingOut(fakeTalosctl(), hung);
    const u = createUnanswered({ remember: false });
    const w = u.wrap(t);
    await w.run('10.5.0.3', ['etcd', 'members']);
    expect(u.nodes()).toEqual(['10.5.0.3']);
    hung.clear();
    const again = await w.run('10.5.0.3', ['etcd', 'members']);
    expect(again.exitCode).toBe(0);
    expect(calls).toHaveLength(2);
    expect(u.nodes()).toEqual([]);
  });
});

describe('a whole run', () => {
  const READS = `  - { id: look, talosctl: [etcd, members], nodes: { ref: params.nodes }, onFailure: continue }
  - { id: again, talosctl: [etcd, status], nodes: { ref: params.nodes }, onFailure: continue }
`;
  const text = (extra: string) => `apiVersion: talos-dr/v1
kind: Runbook
metadata: { name: t-hung, title: t }
params:
  nodes: { type: nodes, description: nodes }
  healthy: { type: node, description: a healthy node }
steps:
${READS}${extra}`;
  const params = ['nodes=10.5.0.2,10.5.0.3,10.5.0.4', 'healthy=10.5.0.2'];
  const notAsked = (records: Awaited<ReturnType<typeof go>>['records']) =>
    records.filter((r) => r.type === 'command-result' && r.payload.notAsked !== undefined);

  const stepOf = (r: Awaited<ReturnType<typeof go>>['records'][number]) =>
    r.type === 'command-result' && [r.payload.step, r.payload.node];

  it('read-only: the node that timed out is not asked again, journaled as not asked, named at the end', async () => {
    // the node answers the session's cluster-identity read, then goes silent
    const hung = new Set<string>();
    const { t, calls } = timingOut(fakeTalosctl(), hung);
    let atStart = -1;
    const { result, records } = await go({
      fake: t as never,
      text: text(''),
      params,
      onEvent: (e) => {
        if (e.code !== 'TDR_I_RUN_START') return;
        atStart = calls.length;
        hung.add('10.5.0.4');
      },
    });
    expect(calls.slice(atStart).filter((c) => c.node === '10.5.0.4')).toHaveLength(1);
    expect(notAsked(records).map(stepOf)).toEqual([['again', '10.5.0.4']]);
    expect(result.unanswered.map((u) => u.node)).toEqual(['10.5.0.4']);
    const end = records.at(-1);
    expect(end?.type === 'run-end' && end.payload.unanswered).toEqual(['10.5.0.4']);
  });

  it('read-only: a node that timed out on the cluster-identity read is not waited on again by any step', async () => {
    // one memory from the session's identity read to the run's end (session.ts)
    const { t, calls } = timingOut(fakeTalosctl(), new Set(['10.5.0.4']));
    const { result, records } = await go({ fake: t as never, text: text(''), params });
    expect(calls.filter((c) => c.node === '10.5.0.4').map((c) => c.args.join(' '))).toEqual(['get info --output json']);
    expect(notAsked(records).map(stepOf)).toEqual([
      ['look', '10.5.0.4'],
      ['again', '10.5.0.4'],
    ]);
    expect(result.unanswered.map((u) => u.node)).toEqual(['10.5.0.4']);
    const end = records.at(-1);
    expect(end?.type === 'run-end' && end.payload.unanswered).toEqual(['10.5.0.4']);
  });

  it('with a change in the runbook the memory is off: the node is asked again, live, before the change', async () => {
    const { t, calls } = timingOut(fakeTalosctl(), new Set(['10.5.0.4']));
    const defrag = `  - { id: defrag, talosctl: [etcd, defrag], node: { ref: params.healthy } }\n`;
    const { records } = await go({ fake: t as never, text: text(defrag), params });
    // the session's identity read timed out on it (and did not ask it for the member list);
    // look, again, and the quorum check before the defrag all asked 10.5.0.4 again
    const asked = calls.filter((c) => c.node === '10.5.0.4').map((c) => c.args.join(' '));
    expect(asked.slice(0, 3)).toEqual(['get info --output json', 'etcd members', 'etcd status']);
    expect(asked.length).toBeGreaterThan(3);
    expect(notAsked(records)).toEqual([]);
  });
});
