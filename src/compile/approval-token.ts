import type { TokenSource } from '../runbook/flow.js';
import { resolveValue } from '../runbook/refs.js';
import { scopeOf } from './build.js';
import type { ApprovalToken, RunContext } from './contract.js';

/**
 * The token a gate asks for, resolved from the run's context when the gate is reached
 * (undefined when there is no source, or its ref cannot be resolved yet).
 */
export function tokenResolver(source: TokenSource | undefined): (context: RunContext) => ApprovalToken | undefined {
  return (context) => {
    if (source === undefined) return undefined;
    const r = resolveValue(source.value, scopeOf(context));
    return r.ok && (typeof r.value === 'string' || typeof r.value === 'number')
      ? { type: source.type, value: String(r.value) }
      : undefined;
  };
}
