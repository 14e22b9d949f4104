import { describe, expect, it } from 'vitest';
import { parseParams } from '../../src/engine/params.js';
import { TalosDrError } from '../../src/io/errors.js';
import type { ParamSpec } from '../../src/runbook/model.js';

const spec = (s: Partial<ParamSpec> & Pick<ParamSpec, 'type'>): ParamSpec => ({
  description: '',
  default: undefined,
  values: undefined,
  min: undefined,
  max: undefined,
  ...s,
});
const specs: Record<string, ParamSpec> = {
  nodes: spec({ type: 'nodes', min: 1, max: 5 }),
  node: spec({ type: 'node' }),
  polls: spec({ type: 'number', default: 3, min: 1, max: 10 }),
};

/** The message a refused --param exits with (the flag, the value, the reason). */
function refusal(texts: string[]): string {
  try {
    parseParams(specs, texts);
  } catch (e) {
    if (e instanceof TalosDrError) return e.message;
    throw e;
  }
  throw new Error('accepted');
}

describe('parseParams', () => {
  it('takes each param once, validated, with defaults for the rest', () => {
    expect(parseParams(specs, ['nodes=127.0.0.1,127.0.0.2', 'node=127.0.0.2'])).toEqual({
      nodes: ['127.0.0.1', '127.0.0.2'],
      node: '127.0.0.2',
      polls: 3,
    });
  });

  it('attack: a param given twice is refused, naming both values — the last one never silently wins', () => {
    const m = refusal(['node=127.0.0.2', 'nodes=127.0.0.1', 'node=127.0.0.3']);
    expect(m).toContain('--param "node=127.0.0.3"');
    expect(m).toContain('"node" is given twice');
    expect(m).toContain('node=127.0.0.2');
    // the same value twice is still a slip to refuse, not a harmless repeat to guess at
    expect(refusal(['node=127.0.0.2', 'node=127.0.0.2', 'nodes=127.0.0.1'])).toContain('given twice');
  });

  it('names the flag and the reason for an unknown, malformed, missing or out-of-range param', () => {
    expect(refusal(['nodez=1'])).toContain('this runbook has no param "nodez" (params: nodes, node, polls)');
    expect(refusal(['=x'])).toContain('expected name=value');
    expect(refusal(['nodes'])).toContain('expected name=value');
    expect(refusal(['nodes=127.0.0.1'])).toContain('node');
    expect(refusal(['nodes=127.0.0.1', 'node=127.0.0.1', 'polls=0'])).toContain('must be ≥ 1');
    expect(refusal(['nodes=127.0.0.1', 'node=127.0.0.1', 'polls=11'])).toContain('must be ≤ 10');
    expect(refusal(['nodes=1.1.1.1,1.1.1.2,1.1.1.3,1.1.1.4,1.1.1.5,1.1.1.6', 'node=1.1.1.1'])).toContain(
      'at most 5 value(s) allowed',
    );
  });
});
