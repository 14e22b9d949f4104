import { describe, expect, it } from 'vitest';
import { tokenResolver } from '../../src/compile/approval-token.js';
import type { RunContext } from '../../src/compile/contract.js';

const context = (captures: RunContext['captures'] = {}, params: RunContext['params'] = {}) =>
  ({ params, captures, vars: {} }) as unknown as RunContext;

describe('tokenResolver: what the operator types at a gate', () => {
  it('no source: nothing to type', () => {
    expect(tokenResolver(undefined)(context())).toBeUndefined();
  });

  it('a literal, typed as given', () => {
    expect(tokenResolver({ value: '127.0.0.13', type: 'node' })(context())).toEqual({
      type: 'node',
      value: '127.0.0.13',
    });
  });

  it('a ref, resolved when the gate is reached (not when compiled)', () => {
    const resolve = tokenResolver({ value: { ref: 'lost.member' }, type: 'memberId' });
    expect(resolve(context())).toBeUndefined();
    expect(resolve(context({ lost: { member: 'f01967dd4c9d5919' } }))).toEqual({
      type: 'memberId',
      value: 'f01967dd4c9d5919',
    });
  });

  it('a number becomes its text; a list or a boolean is no token', () => {
    expect(tokenResolver({ value: { ref: 'params.n' }, type: 'number' })(context({}, { n: 3 }))).toEqual({
      type: 'number',
      value: '3',
    });
    expect(
      tokenResolver({ value: { ref: 'params.nodes' }, type: 'nodes' })(context({}, { nodes: ['a', 'b'] })),
    ).toBeUndefined();
    expect(
      tokenResolver({ value: { ref: 'params.yes' }, type: 'boolean' })(context({}, { yes: true })),
    ).toBeUndefined();
  });
});
