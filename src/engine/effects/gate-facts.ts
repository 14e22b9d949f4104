import type { ApprovalToken, RunContext } from '../../compile/contract.js';
import { indexSteps } from '../../runbook/flow.js';
import { allSteps, isRef, type Step } from '../../runbook/model.js';
import { resolveNodes } from '../../runbook/refs.js';
import type { EngineEnv } from '../env.js';
import type { GateView } from '../fingerprint.js';
import { commandText, destroysText, scopeOf } from '../step-text.js';

type TalosStep = Extract<Step, { kind: 'talosctl' }>;

/** The talosctl steps a gate is about: the irreversible ones it guards, else the next command. */
export function gateSteps(env: EngineEnv, confirmId: string, guards: readonly string[]): TalosStep[] {
  const steps = allSteps(env.runbook.steps);
  const byId = (id: string) => steps.find((s): s is TalosStep => s.id === id && s.kind === 'talosctl');
  const guarded = guards.map(byId).filter((s): s is TalosStep => s !== undefined);
  if (guarded.length > 0) return guarded;
  const i = steps.findIndex((s) => s.id === confirmId);
  const next = steps.slice(i + 1).find((s): s is TalosStep => s.kind === 'talosctl');
  return next === undefined ? [] : [next];
}

/** The nodes whose state an approval covers: node params, the token node, the targets. */
export function gateNodes(
  env: EngineEnv,
  context: RunContext,
  steps: readonly TalosStep[],
  token: ApprovalToken | undefined,
): string[] {
  const out = new Set<string>();
  for (const [name, spec] of Object.entries(env.runbook.params)) {
    const v = context.params[name];
    if (spec.type === 'nodes' && Array.isArray(v)) for (const n of v) out.add(n);
    if (spec.type === 'node' && typeof v === 'string') out.add(v);
  }
  if (token?.type === 'node') out.add(token.value);
  for (const s of steps) {
    if (s.target === undefined) continue;
    const r = resolveNodes(s.target.value, scopeOf(context));
    if (r.ok) for (const n of r.value) out.add(n);
  }
  return [...out];
}

/** The node whose member is `id`, as the gate's own reads show it. */
const nodeOfMember = (view: GateView, id: string): string | undefined =>
  Object.entries(view.memberOfNode).find(([, m]) => m === id)?.[0];

/**
 * What a gate shows, gathered from live data and the runbook: the words are io/gate-messages.ts's.
 * The same facts word the prompt on the terminal and the one the log keeps.
 */
export interface GateFacts {
  stepId: string;
  /** the runbook's own prompt */
  prompt: string;
  next: Array<{ id: string; effect: string; command: string; destroys: string | undefined }>;
  members: number;
  voters: number;
  /** every leader the members name: none, one, or a disagreement */
  leaders: string[];
  /** the node of the leader, when exactly one is named and the gate's reads place it */
  leaderNode: string | undefined;
  alarms: Array<{ kind: string; member: string; node: string | undefined }>;
  /** nodes that did not answer at all, and nodes that answered with an error */
  silent: string[];
  refusing: Array<{ node: string; reason: string }>;
  /** for a step that takes a member out of service: the voters left (0 seen: quorum not read) */
  removes: { votersAfter: number; quorumAfter: number } | 'no-voter-seen' | undefined;
  target: { type: string; value: string; member: string | undefined; node: string | undefined } | undefined;
  /** the loops a flag approval of this confirm covers (inside a foreach only) */
  loops: string[];
  paramSources: Array<{ name: string; source: string }>;
  captures: Array<
    | { kind: 'etcd-data'; layout: string; labels: string }
    | { kind: 'snapshot'; name: string; hash: string; revision: number; path: string | undefined }
  >;
  fingerprint: string;
}

/** The facts of a gate, read from the live view and the runbook (no words: see gateText). */
export function gateFacts(
  env: EngineEnv,
  context: RunContext,
  confirm: { stepId: string; prompt: string; token: ApprovalToken | undefined },
  steps: readonly TalosStep[],
  view: GateView,
): GateFacts {
  const scope = scopeOf(context);
  const d = view.digest;
  const unanswered = d.unreachable.map((node) => ({ node, reason: refusal(view, node) }));
  const refs = new Set(steps.flatMap((s) => s.argv.flatMap((a) => (isRef(a) ? [a.ref] : []))));
  return {
    stepId: confirm.stepId,
    prompt: confirm.prompt,
    // the words of what a step destroys come from the command registry, for this argv
    next: steps.map((s) => ({
      id: s.id,
      effect: s.effect,
      command: commandText(s, scope),
      destroys: destroysText(s, scope) ?? (s.quorum !== undefined ? s.command.reason : undefined),
    })),
    members: d.members.length,
    voters: view.voters,
    leaders: [...d.leader],
    leaderNode: d.leader.length === 1 && d.leader[0] !== undefined ? nodeOfMember(view, d.leader[0]) : undefined,
    alarms: d.alarms.map((a) => ({ kind: a.kind, member: a.member, node: nodeOfMember(view, a.member) })),
    silent: unanswered.filter((u) => u.reason === undefined).map((u) => u.node),
    refusing: unanswered.flatMap((u) => (u.reason === undefined ? [] : [{ node: u.node, reason: u.reason }])),
    removes: removesFacts(steps, view.voters),
    target: targetFacts(confirm.token, view),
    loops:
      confirm.token === undefined || env.runbook === undefined
        ? []
        : (indexSteps(env.runbook).get(confirm.stepId)?.loops ?? []).map((l) => l.id),
    // a param that stands for something else (a snapshot fetched from a backup)
    paramSources: Object.entries(env.paramSources ?? {})
      .filter(([name]) => refs.has(`params.${name}`))
      .map(([name, source]) => ({ name, source })),
    captures: captureFacts(context, new Set([...refs].map((r) => r.split('.')[0]))),
    fingerprint: view.fingerprint,
  };
}

function removesFacts(steps: readonly TalosStep[], voters: number): GateFacts['removes'] {
  if (!steps.some((s) => s.effect === 'irreversible' && s.command.outOfService !== undefined)) return undefined;
  if (voters <= 0) return 'no-voter-seen';
  const after = voters - 1;
  return { votersAfter: after, quorumAfter: Math.floor(after / 2) + 1 };
}

/** The other half of the target: the member of a node, or the node of a member. */
function targetFacts(token: ApprovalToken | undefined, view: GateView): GateFacts['target'] {
  if (token === undefined) return undefined;
  const { type, value } = token;
  return {
    type,
    value,
    member: type === 'memberId' ? undefined : view.memberOfNode[value],
    node: type === 'memberId' ? nodeOfMember(view, value) : undefined,
  };
}

function captureFacts(context: RunContext, used: ReadonlySet<string | undefined>): GateFacts['captures'] {
  const out: GateFacts['captures'] = [];
  for (const [name, cap] of Object.entries(context.captures)) {
    // where the node keeps etcd data decides what the wipe must take (etcd-volume), said only
    // for the capture the next command reads: another node's layout would mislead
    if (used.has(name) && typeof cap.layout === 'string' && typeof cap.labels === 'string')
      out.push({ kind: 'etcd-data', layout: cap.layout, labels: cap.labels });
    if (typeof cap.hash === 'string' && typeof cap.revision === 'number')
      out.push({
        kind: 'snapshot',
        name,
        hash: cap.hash,
        revision: cap.revision,
        path: typeof cap.path === 'string' ? cap.path : undefined,
      });
  }
  return out;
}

/**
 * Why a node that answered still gave no member list or status (e.g. a learner refuses
 * `member list`), or undefined when it did not answer at all (timeout, connection refused).
 */
function refusal(view: GateView, node: string): string | undefined {
  const failed = [view.reads.members[node], view.reads.status[node]].filter((r) => r !== undefined && !r.ok);
  if (failed.length === 0 || failed.some((r) => r.unreachable)) return undefined;
  return failed.map((r) => r.reason).join('; ');
}
