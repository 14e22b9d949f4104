import fc from 'fast-check';
import { stringify } from 'yaml';
import { F_IDS, F_NODES } from '../../test/helpers/fake-talosctl.js';
import type { Drift, Fault } from './crash-property-fake.js';

/**
 * The generated cases of the crash property (crash-property.ts): a runbook with 1–3 gated steps
 * (remove-member by ref or by literal id, leave, reset, bootstrap), disruptive steps, reads,
 * confirms with and without tokens, a foreach with a confirm inside, onFailure gotos (one gated
 * step's failure to the next confirm + gated step), done: checks (otherwise fail/ask, or none);
 * and per process run (the first run, then one or two resumes after a cut) the talosctl
 * outcomes by call, the drift and the --approve set.
 */

export type GatedCmd = 'remove-ref' | 'remove-literal' | 'leave' | 'reset' | 'bootstrap';
export type Token = 'derived' | 'phrase' | 'member' | 'node';
export type Done = 'none' | 'fail' | 'ask';
export interface GatedItem {
  kind: 'gated';
  cmd: GatedCmd;
  node: number;
  /** remove-literal: which member id */
  member: number;
  token: Token;
  done: Done;
  post: boolean;
  goto: boolean;
}
export interface DisruptItem {
  kind: 'disrupt';
  cmd: 'defrag' | 'forfeit' | 'restart';
  node: number;
  onFailure: 'abort' | 'continue' | 'goto';
}
export type BodyItem =
  | { kind: 'gated'; cmd: 'leave' | 'reset'; token: 'derived' | 'node' | 'phrase'; done: Done }
  | { kind: 'disrupt'; cmd: DisruptItem['cmd'] }
  | { kind: 'read' };
export type Item =
  | GatedItem
  | DisruptItem
  | { kind: 'read' }
  | { kind: 'confirm'; token: boolean }
  | { kind: 'foreach'; body: BodyItem[] };

export const PHRASE = 'go ahead';
/** the memberId param's value */
export const MEMBER = F_IDS[2];
export const STEP_TIMEOUT = '60ms';

const gated: fc.Arbitrary<GatedItem> = fc.record({
  kind: fc.constant('gated' as const),
  cmd: fc.constantFrom<GatedCmd>('remove-ref', 'remove-literal', 'leave', 'reset', 'bootstrap'),
  node: fc.nat(2),
  member: fc.nat(2),
  token: fc.constantFrom<Token>('derived', 'derived', 'phrase', 'member', 'node'),
  done: fc.constantFrom<Done>('none', 'fail', 'ask'),
  post: fc.boolean(),
  goto: fc.boolean(),
});
const disrupt: fc.Arbitrary<DisruptItem> = fc.record({
  kind: fc.constant('disrupt' as const),
  cmd: fc.constantFrom<DisruptItem['cmd']>('defrag', 'forfeit', 'restart'),
  node: fc.nat(2),
  onFailure: fc.constantFrom<DisruptItem['onFailure']>('abort', 'continue', 'goto'),
});
const body: fc.Arbitrary<BodyItem> = fc.oneof(
  fc.record({
    kind: fc.constant('gated' as const),
    cmd: fc.constantFrom<'leave' | 'reset'>('leave', 'reset'),
    token: fc.constantFrom<'derived' | 'node' | 'phrase'>('derived', 'node', 'phrase'),
    done: fc.constantFrom<Done>('none', 'fail', 'ask'),
  }),
  fc.record({ kind: fc.constant('disrupt' as const), cmd: fc.constantFrom<DisruptItem['cmd']>('defrag', 'forfeit') }),
  fc.constant({ kind: 'read' as const }),
);
const item: fc.Arbitrary<Item> = fc.oneof(
  { weight: 4, arbitrary: gated },
  { weight: 3, arbitrary: disrupt },
  { weight: 1, arbitrary: fc.constant({ kind: 'read' as const }) },
  { weight: 1, arbitrary: fc.record({ kind: fc.constant('confirm' as const), token: fc.boolean() }) },
  {
    weight: 1,
    arbitrary: fc.record({
      kind: fc.constant('foreach' as const),
      body: fc.array(body, { minLength: 1, maxLength: 3 }),
    }),
  },
);

const gatedCount = (items: readonly Item[]): number =>
  items.reduce(
    (n, i) => n + (i.kind === 'gated' ? 1 : i.kind === 'foreach' ? i.body.filter((b) => b.kind === 'gated').length : 0),
    0,
  );

export const runbookItems: fc.Arbitrary<Item[]> = fc
  .array(item, { minLength: 1, maxLength: 6 })
  .filter((items) => gatedCount(items) >= 1 && gatedCount(items) <= 3);

const fault: fc.Arbitrary<Fault> = fc.oneof(
  {
    weight: 4,
    arbitrary: fc.record({
      kind: fc.constant('error' as const),
      code: fc.constantFrom('Unavailable', 'FailedPrecondition', 'PermissionDenied', 'NotFound' as const),
    }),
  },
  { weight: 2, arbitrary: fc.constant({ kind: 'garbage' as const }) },
  { weight: 1, arbitrary: fc.record({ kind: fc.constant('hang' as const), tookEffect: fc.boolean() }) },
);
const drift: fc.Arbitrary<Drift> = fc.record({
  when: fc.constantFrom<Drift['when']>('call', 'after-approval'),
  n: fc.nat(40),
  what: fc.constantFrom<Drift['what']>('leader-moves', 'alarm', 'member-removed'),
});
/** which gates --approve names: every one, a subset (bare, @ the right target, @ a wrong one), or none */
export type ApproveDraw =
  | { kind: 'all' }
  | { kind: 'none' }
  | { kind: 'some'; picks: Array<{ gate: number; form: 'bare' | 'at' | 'at-wrong'; node: number }> };
const approve: fc.Arbitrary<ApproveDraw> = fc.oneof(
  { weight: 3, arbitrary: fc.constant({ kind: 'all' as const }) },
  { weight: 1, arbitrary: fc.constant({ kind: 'none' as const }) },
  {
    weight: 3,
    arbitrary: fc.record({
      kind: fc.constant('some' as const),
      picks: fc.array(
        fc.record({ gate: fc.nat(20), form: fc.constantFrom('bare', 'at', 'at-wrong' as const), node: fc.nat(2) }),
        { maxLength: 6 },
      ),
    }),
  },
);
export interface ProcessRun {
  faults: Array<{ at: number; fault: Fault }>;
  drift: Drift[];
  approve: ApproveDraw;
}
const processRun: fc.Arbitrary<ProcessRun> = fc.record({
  faults: fc.array(fc.record({ at: fc.nat(60), fault }), { maxLength: 4 }),
  drift: fc.array(drift, { maxLength: 1 }),
  approve,
});
export interface Crash {
  /** where the previous process run's log is cut: a fraction of its records, or of its changes' intents */
  cut: number;
  /** cut right after the intent of a change (its outcome then unknown), else after any record */
  atIntent: boolean;
  /** whether a change in flight at the cut (intent, no result) took effect */
  happened: boolean;
}
export interface Case {
  items: Item[];
  first: ProcessRun;
  resumes: Array<{ crash: Crash; run: ProcessRun }>;
}
export const cases: fc.Arbitrary<Case> = fc.record({
  items: runbookItems,
  first: processRun,
  resumes: fc.array(
    fc.record({
      crash: fc.record({
        cut: fc.double({ min: 0, max: 1, maxExcluded: true, noNaN: true }),
        atIntent: fc.boolean(),
        happened: fc.boolean(),
      }),
      run: processRun,
    }),
    { minLength: 1, maxLength: 2 },
  ),
});

// ── the runbook text ───────────────────────────────────────────────────────────────────────

type Arg = string | { ref: string };
const nodes = { ref: 'params.nodes' };
const argvOf = (cmd: GatedCmd | DisruptItem['cmd'], member: number): Arg[] => {
  switch (cmd) {
    case 'remove-ref':
      return ['etcd', 'remove-member', { ref: 'params.member' }];
    case 'remove-literal':
      return ['etcd', 'remove-member', F_IDS[member % F_IDS.length] as string];
    case 'leave':
      return ['etcd', 'leave'];
    case 'reset':
      return ['reset', '--graceful=false', '--reboot', '--system-labels-to-wipe', 'EPHEMERAL'];
    case 'bootstrap':
      return ['bootstrap', '--recover-from', './db.snapshot'];
    case 'defrag':
      return ['etcd', 'defrag'];
    case 'forfeit':
      return ['etcd', 'forfeit-leadership'];
    case 'restart':
      return ['service', 'etcd', 'restart'];
  }
};

/** The done: check of a gated step (what shows it took effect), else none. */
function doneOf(cmd: GatedCmd, done: Done, node: number | undefined, member: number): Record<string, unknown> {
  if (done === 'none') return {};
  const otherwise = done === 'fail' ? { otherwise: 'fail' } : {};
  const poll = { timeout: '80ms', interval: '20ms' };
  const gone = (m: Arg) => ({ check: 'member-absent', with: { nodes, member: m }, ...poll, ...otherwise });
  if (cmd === 'remove-ref') return { done: gone({ ref: 'params.member' }) };
  if (cmd === 'remove-literal') return { done: gone(F_IDS[member % F_IDS.length] as string) };
  if ((cmd === 'leave' || cmd === 'reset') && node !== undefined) return { done: gone(F_IDS[node] as string) };
  return { done: { check: 'leader-elected', with: { nodes }, ...poll, ...otherwise } };
}

/** A confirm's explicit token, if any: `target` is the gated step's node (a literal or a ref). */
function tokenOf(token: Token, target: Arg): Record<string, unknown> {
  if (token === 'phrase') return { token: PHRASE };
  if (token === 'member') return { token: { ref: 'params.member' } };
  if (token === 'node') return { token: target };
  return {};
}

/** The runbook of generated items; ends `finish` (success) and, when a goto needs it, `fallback`. */
export function runbookText(items: readonly Item[], name = 'crash-property'): string {
  const confirmOf = new Map<number, string>();
  items.forEach((it, i) => {
    if (it.kind === 'gated') confirmOf.set(i, `c${i}`);
  });
  let fallback = false;
  const gotoAfter = (i: number): string => {
    const later = [...confirmOf.entries()].find(([j]) => j > i);
    if (later !== undefined) return later[1];
    fallback = true;
    return 'fallback';
  };
  const steps = items.flatMap((it, i): Array<Record<string, unknown>> => {
    switch (it.kind) {
      case 'read':
        return [{ id: `r${i}`, read: { observe: 'leader', with: { nodes } } }];
      case 'confirm':
        return [{ id: `k${i}`, confirm: { prompt: `Go on (k${i})?`, ...(it.token ? { token: PHRASE } : {}) } }];
      case 'disrupt':
        return [
          {
            id: `d${i}`,
            talosctl: argvOf(it.cmd, 0),
            node: F_NODES[it.node],
            timeout: STEP_TIMEOUT,
            ...(it.onFailure === 'abort'
              ? {}
              : { onFailure: it.onFailure === 'continue' ? 'continue' : { goto: gotoAfter(i) } }),
          },
        ];
      case 'gated': {
        const node = F_NODES[it.node] as string;
        return [
          { id: `c${i}`, confirm: { prompt: `Run g${i}?`, ...tokenOf(it.token, node) } },
          {
            id: `g${i}`,
            talosctl: argvOf(it.cmd, it.member),
            node,
            timeout: STEP_TIMEOUT,
            ...doneOf(it.cmd, it.done, it.node, it.member),
            ...(it.goto ? { onFailure: { goto: gotoAfter(i) } } : {}),
          },
          ...(it.post ? [{ id: `p${i}`, postcondition: { check: 'leader-elected', with: { nodes } } }] : []),
        ];
      }
      default: {
        // foreach
        const v = { ref: `n${i}` };
        const inner = it.body.flatMap((b, j): Array<Record<string, unknown>> => {
          const id = `l${i}x${j}`;
          if (b.kind === 'read') return [{ id, read: { observe: 'leader', with: { nodes } } }];
          if (b.kind === 'disrupt') return [{ id, talosctl: argvOf(b.cmd, 0), node: v, timeout: STEP_TIMEOUT }];
          return [
            { id: `${id}c`, confirm: { prompt: `Run ${id}?`, ...tokenOf(b.token, v) } },
            { id, talosctl: argvOf(b.cmd, 0), node: v, timeout: STEP_TIMEOUT, ...doneOf(b.cmd, b.done, undefined, 0) },
          ];
        });
        return [{ id: `l${i}`, foreach: { in: nodes, as: `n${i}` }, steps: inner }];
      }
    }
  });
  steps.push({ id: 'finish', end: { outcome: 'success', message: 'done' } });
  if (fallback) steps.push({ id: 'fallback', end: { outcome: 'failed', message: 'went to the fallback' } });
  return stringify({
    apiVersion: 'talos-dr/v1',
    kind: 'Runbook',
    metadata: { name, title: 'Generated for the crash property' },
    params: {
      nodes: { type: 'nodes', description: 'control plane nodes' },
      member: { type: 'memberId', description: 'a member id' },
    },
    steps,
  });
}

export const PARAMS = [`nodes=${F_NODES.join(',')}`, `member=${MEMBER}`];
