import { describe, expect, it } from 'vitest';
import type { LogRecord } from '../../../src/audit/log-format.js';
import { readerFor, resultFromRecord } from '../../../src/engine/effects/shared.js';
import type { RunOptions } from '../../../src/talos/talosctl.js';
import { testEnv } from '../../helpers/engine-env.js';
import { F_NODES, fakeTalosctl } from '../../helpers/fake-talosctl.js';

/**
 * What the effects share: a cluster reader whose reads are journaled under the effect's step and
 * bounded by the run's read timeout, and a command result rebuilt from its journal record.
 */
describe('readerFor', () => {
  it("journals each read under the given step, bounded by the run's read timeout, with the effect's signal", async () => {
    const tc = fakeTalosctl();
    const seen: Array<RunOptions | undefined> = [];
    const run = tc.run.bind(tc);
    tc.run = (node, args, opts) => {
      seen.push(opts);
      return run(node, args, opts);
    };
    const t = testEnv('  - id: ok\n    end: { outcome: success, message: ok }', { talosctl: tc });
    const ac = new AbortController();
    const r = await readerFor(t.env, 'gate-step', ac.signal).members(F_NODES[1]);
    expect(r.ok).toBe(true);
    expect(tc.calls).toEqual([{ node: F_NODES[1], args: ['etcd', 'members'] }]);
    expect(seen[0]?.timeoutMs).toBe(t.env.readTimeoutMs);
    expect(seen[0]?.signal).toBe(ac.signal);
    expect(t.records().map((x) => [x.type, (x.payload as { step: string }).step])).toEqual([
      ['command-result', 'gate-step'],
    ]);
  });
});

describe('resultFromRecord', () => {
  it('rebuilds every field a live result has from the record; a node-less record gets an empty node', () => {
    const rec = {
      payload: {
        step: 's',
        argv: ['--nodes', '10.0.0.1', 'etcd', 'status'],
        node: null,
        exitCode: 2,
        durationMs: 17,
        stdout: 'out',
        stderr: 'err',
        timedOut: true,
        notAsked: 'timed out earlier',
      },
    } as unknown as LogRecord<'command-result'>;
    expect(resultFromRecord(rec)).toEqual({
      argv: ['--nodes', '10.0.0.1', 'etcd', 'status'],
      binary: 'talosctl',
      node: '',
      pid: undefined,
      exitCode: 2,
      signal: null,
      stdout: 'out',
      stderr: 'err',
      durationMs: 17,
      timedOut: true,
      canceled: false,
      notAsked: 'timed out earlier',
    });
  });
});
