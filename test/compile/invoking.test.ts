import { describe, expect, it } from 'vitest';
import { startBuild, stepInfo } from '../../src/compile/build.js';
import type { RunContext } from '../../src/compile/contract.js';
import { addInvoking } from '../../src/compile/invoking.js';
import type { FailingStep } from '../../src/compile/transitions.js';
import { DEFAULTS } from '../../src/runbook/normalize.js';
import { compileText, drive, failed } from '../helpers/drive-machine.js';

/**
 * addInvoking: a state that invokes one actor, bounded by the step's timeout (a read's calls get
 * the settle margin on top), whose failures — output not matched, actor error, timeout — follow
 * the step's retries then its policy; with attempts > 1 a `:retry` state waits the backoff.
 */
const PARAMS = '  nodes: { type: nodes, description: n }\n';
const { runbook } = compileText(
  `  - id: st
    talosctl: [etcd, status]
    nodes: { ref: params.nodes }
    timeout: 7s
    retry: { attempts: 3, backoff: 2s, factor: 3 }
  - id: snap
    talosctl: [etcd, snapshot, /tmp/s.db]
    node: 10.0.0.1
    timeout: 9s
  - id: ok
    end: { outcome: success, message: ok }`,
  PARAMS,
);
const build = () => startBuild(runbook);
const step = (b: ReturnType<typeof build>, id: string) => stepInfo(b, id).step as FailingStep & { timeoutMs: number };
const ctx = (attempts: Record<string, number>) => ({ context: { attempts } as unknown as RunContext });

describe('addInvoking', () => {
  it('a read command: its timeout plus the read settle margin; the retry state waits the backoff schedule', () => {
    const b = build();
    const s = step(b, 'st');
    addInvoking(b, {
      step: s,
      role: 'command',
      src: 'runTalosctl',
      input: () => ({}),
      onDone: [],
      next: 'ok',
      retry: s.kind === 'talosctl' ? s.retry : undefined,
    });
    expect(b.delays['st:timeout']).toBe(7000 + DEFAULTS.readSettleMs);
    const backoff = b.delays['st:backoff'];
    if (typeof backoff !== 'function') throw new Error('the backoff is computed per attempt');
    // 2 s, ×3 per attempt
    expect([backoff(ctx({})), backoff(ctx({ st: 1 })), backoff(ctx({ st: 2 }))]).toEqual([2000, 2000, 6000]);
    expect(Object.keys(b.states)).toEqual(['st', 'st:retry']);
    expect(b.metas['st:retry']?.role).toBe('retry');
    expect(b.states['st:retry']?.after?.['st:backoff']).toEqual([{ target: '#st' }]);
  });

  it('two attempts are enough for a retry state (one retry)', () => {
    const { runbook: two } = compileText(
      `  - id: st\n    talosctl: [etcd, status]\n    nodes: { ref: params.nodes }\n    retry: { attempts: 2, backoff: 1s }\n  - id: ok\n    end: { outcome: success, message: ok }`,
      PARAMS,
    );
    const b = startBuild(two);
    const s = step(b, 'st');
    addInvoking(b, {
      step: s,
      role: 'command',
      src: 'runTalosctl',
      input: () => ({}),
      onDone: [],
      next: 'ok',
      retry: s.kind === 'talosctl' ? s.retry : undefined,
    });
    expect(Object.keys(b.states)).toEqual(['st', 'st:retry']);
  });

  it('not a read: the timeout alone; one attempt: no retry state and no retry transition', () => {
    const b = build();
    const s = step(b, 'snap');
    addInvoking(b, {
      step: s,
      role: 'command',
      src: 'runTalosctl',
      input: () => ({}),
      onDone: [],
      next: 'ok',
      retry: undefined,
    });
    expect(b.delays['snap:timeout']).toBe(9000);
    expect(Object.keys(b.states)).toEqual(['snap']);
    const inv = b.states.snap?.invoke;
    expect(inv?.onError.map((t) => t.target)).toEqual(['#@failed']);
    expect(b.states.snap?.after?.['snap:timeout']?.map((t) => t.target)).toEqual(['#@failed']);
  });

  it('the given onDone transitions come first, then the failures; onTimeout replaces the failures on the timer only', () => {
    const b = build();
    const s = step(b, 'snap');
    addInvoking(b, {
      step: s,
      role: 'command',
      src: 'runTalosctl',
      input: () => ({}),
      onDone: [{ target: '#ok', guard: 'ok' }],
      next: 'ok',
      retry: undefined,
      onTimeout: [{ target: '#elsewhere' }],
    });
    expect(b.states.snap?.invoke?.onDone.map((t) => t.target)).toEqual(['#ok', '#@failed']);
    expect(b.states.snap?.after?.['snap:timeout']).toEqual([{ target: '#elsewhere' }]);
  });

  it('driven: three attempts, 2 s then 6 s apart, then the policy', async () => {
    const { compiled } = compileText(
      `  - id: st\n    talosctl: [etcd, status]\n    nodes: { ref: params.nodes }\n    retry: { attempts: 3, backoff: 2s, factor: 3 }\n  - id: ok\n    end: { outcome: success, message: ok }`,
      PARAMS,
    );
    const r = await drive(compiled, { nodes: ['10.0.0.1'] }, { talosctl: failed }, 500);
    expect(r.states).toEqual(['st', 'st:retry', 'st', 'st:retry', 'st', '@failed']);
    const starts = r.states.flatMap((s, i) => (s === 'st' ? [r.times[i]] : []));
    expect(starts).toEqual([0, 2000, 8000]);
  });

  it('driven: a failure no retry can mend (noRetry) does not spend the retries', async () => {
    const { compiled } = compileText(
      `  - id: st\n    talosctl: [etcd, status]\n    nodes: { ref: params.nodes }\n    retry: { attempts: 3, backoff: 2s }\n  - id: ok\n    end: { outcome: success, message: ok }`,
      PARAMS,
    );
    const r = await drive(
      compiled,
      { nodes: ['10.0.0.1'] },
      {
        talosctl: () => ({ ...failed(), noRetry: '10.0.0.1: certificate signed by unknown authority' }),
      },
    );
    expect(r.calls).toEqual(['talosctl st']);
  });

  it('driven: an actor that never answers is left at the step timeout (plus the margin for a read)', async () => {
    const { compiled } = compileText(
      `  - id: st\n    talosctl: [etcd, status]\n    nodes: { ref: params.nodes }\n    timeout: 3s\n  - id: ok\n    end: { outcome: success, message: ok }`,
      PARAMS,
    );
    const r = await drive(
      compiled,
      { nodes: ['10.0.0.1'] },
      { talosctl: () => new Promise(() => undefined) as never },
      500,
    );
    expect(r.states).toEqual(['st', '@failed']);
    expect(r.times[1]).toBe(3000 + DEFAULTS.readSettleMs);
  });
});
