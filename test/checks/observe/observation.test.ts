import { describe, expect, it } from 'vitest';
import { defineObservation } from '../../../src/checks/observe/observation.js';
import { emptyReads } from '../../../src/checks/reader.js';
import { nodesArg } from '../../../src/checks/verdict.js';

describe('defineObservation', () => {
  const reads = () => [{ kind: 'status' as const, node: '10.0.0.1' }];

  it('keeps the name, the reads and a result derive gives', () => {
    const o = defineObservation({
      name: 'leader',
      reads,
      derive: (_r, args) => ({ ok: true, outputs: { n: nodesArg(args).length }, summary: 'two' }),
    });
    expect(o.name).toBe('leader');
    expect(o.reads({})).toEqual(reads());
    expect(o.derive(emptyReads(), { nodes: 'a,b' })).toEqual({ ok: true, outputs: { n: 2 }, summary: 'two' });
  });

  it('turns a bad argument into a reason naming the observation and the argument', () => {
    const o = defineObservation({
      name: 'max-revision',
      reads,
      derive: (_r, args) => ({ ok: false, reason: nodesArg(args)[0] ?? '' }),
    });
    expect(o.derive(emptyReads(), {})).toEqual({
      ok: false,
      reason: 'max-revision: argument "nodes" must be a non-empty list of nodes',
    });
  });

  it('turns any other exception into "<name> failed: …", never a throw', () => {
    const o = defineObservation({
      name: 'preflight',
      reads,
      derive: () => {
        throw new TypeError('x is undefined');
      },
    });
    expect(o.derive(emptyReads(), {})).toEqual({ ok: false, reason: 'preflight failed: x is undefined' });
    const s = defineObservation({
      name: 'preflight',
      reads,
      derive: () => {
        throw 'plain';
      },
    });
    expect(s.derive(emptyReads(), {})).toEqual({ ok: false, reason: 'preflight failed: plain' });
  });
});
