import type { RunContext } from '../compile/contract.js';
import { guardedSteps, indexSteps } from '../runbook/flow.js';
import { isRef, type Runbook, type Step, type ValueOrRef } from '../runbook/model.js';
import { resolveValue, type Scope } from '../runbook/refs.js';
import type { Effect } from '../talos/commands.js';
import { argvText, scopeOf, targetText } from './step-text.js';

/**
 * The plan of a run: every step in order with its effect class, the exact talosctl argv (refs
 * resolved where the values are known, `<ref x>` otherwise), its gate or check. Pure: it is
 * built from the runbook, the params and whatever captures --live-reads found.
 */
export interface PlanItem {
  id: string;
  depth: number;
  kind: Step['kind'];
  title: string;
  effect: Effect | 'none';
  /** talosctl steps: the argv after "talosctl", with -n */
  argv?: string[];
  detail: string;
}

type Ctx = Pick<RunContext, 'params' | 'captures' | 'vars'>;

function show(v: ValueOrRef, scope: Scope): string {
  if (isRef(v)) {
    const r = resolveValue(v, scope);
    return r.ok ? (Array.isArray(r.value) ? r.value.join(',') : String(r.value)) : `<ref ${v.ref}>`;
  }
  return Array.isArray(v) ? v.join(',') : String(v);
}

const withText = (w: Readonly<Record<string, ValueOrRef>>, scope: Scope): string =>
  Object.entries(w)
    .map(([k, v]) => `${k}=${show(v, scope)}`)
    .join(' ');

export function buildPlan(runbook: Runbook, context: Ctx): PlanItem[] {
  const scope = scopeOf(context);
  const index = indexSteps(runbook);
  const out: PlanItem[] = [];
  const walk = (steps: readonly Step[], depth: number): void => {
    for (const s of steps) {
      const base = { id: s.id, depth, kind: s.kind, title: s.title };
      switch (s.kind) {
        case 'talosctl': {
          const argv = ['-n', targetText(s, scope), ...argvText(s, scope)];
          const retry = s.retry.attempts > 1 ? `, up to ${s.retry.attempts} attempts` : '';
          const before = [
            ...(s.gate ? ['a confirm and a live recheck'] : []),
            ...(s.quorum !== undefined ? [`a fresh quorum check (${s.quorum} out of service)`] : []),
            ...(s.effect === 'local-write' ? ['a file path that does not exist yet'] : []),
          ];
          out.push({
            ...base,
            effect: s.effect,
            argv,
            detail: `talosctl ${argv.join(' ')} (timeout ${s.timeoutMs / 1000}s${retry})${before.length > 0 ? `; needs ${before.join(', then ')}` : ''}`,
          });
          break;
        }
        case 'read':
          out.push({
            ...base,
            effect: 'read',
            detail: `observe ${s.observe} ${withText(s.with, scope)} → ${s.capture}`,
          });
          break;
        case 'precondition':
        case 'postcondition':
        case 'wait':
        case 'choice':
          out.push({ ...base, effect: 'read', detail: `${s.kind} ${s.check} ${withText(s.with, scope)}` });
          break;
        case 'confirm': {
          const guards = guardedSteps(s.id, index).map((g) => g.id);
          const token = s.token === undefined ? '' : `; type ${show(s.token, scope)} to approve`;
          out.push({
            ...base,
            effect: 'none',
            detail: `GATE "${s.prompt}"${guards.length ? `, guards ${guards.join(', ')}` : ''}${token}`,
          });
          break;
        }
        case 'manual':
          out.push({ ...base, effect: 'none', detail: `MANUAL ${s.prompt}` });
          break;
        case 'foreach':
          out.push({ ...base, effect: 'none', detail: `for each ${s.as} in ${show(s.in, scope)}, one at a time:` });
          walk(s.steps, depth + 1);
          break;
        case 'end':
          out.push({ ...base, effect: 'none', detail: `end: ${s.outcome} — ${s.message}` });
          break;
      }
    }
  };
  walk(runbook.steps, 0);
  return out;
}

export function formatPlan(items: readonly PlanItem[]): string {
  return items
    .map((i) => {
      const tag = i.effect === 'none' ? '' : ` [${i.effect}]`;
      return `${'  '.repeat(i.depth)}${i.id}${tag}: ${i.detail}\n`;
    })
    .join('');
}
