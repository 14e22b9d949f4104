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
/** "member 8e9e… on 10.0.0.3": a member id at a gate always comes with its node when seen. */
const memberOn = (view: GateView, id: string): string => {
  const node = nodeOfMember(view, id);
  return node === undefined ? `member ${id}` : `member ${id} on ${node}`;
};

/** The prompt, worded from live data: what runs, what it destroys, the cluster as it is now. */
export function gateText(
  _env: EngineEnv,
  context: RunContext,
  confirm: { stepId: string; prompt: string; token: ApprovalToken | undefined },
  steps: readonly TalosStep[],
  view: GateView,
): string {
  const scope = scopeOf(context);
  const lines = [`GATE ${confirm.stepId}: ${confirm.prompt}`];
  for (const s of steps) {
    lines.push(`  Next: ${s.id} [${s.effect.toUpperCase()}]  ${commandText(s, scope)}`);
    // the words come from the command registry: what this argv destroys or takes out of service
    const what = destroysText(s, scope) ?? (s.quorum !== undefined ? s.command.reason : undefined);
    if (what !== undefined) lines.push(`    This ${what}.`);
  }
  const d = view.digest;
  const leader =
    d.leader.length === 1 ? d.leader[0] : d.leader.length === 0 ? 'none' : `DISAGREEMENT (${d.leader.join(', ')})`;
  const leaderNode = leader === undefined ? undefined : nodeOfMember(view, leader);
  lines.push(
    `  Cluster now: ${d.members.length} member(s), ${view.voters} voter(s), leader ${leader}${leaderNode ? ` on ${leaderNode}` : ''}`,
  );
  lines.push(
    `  Alarms: ${d.alarms.length === 0 ? 'none' : d.alarms.map((a) => `${a.kind} on ${memberOn(view, a.member)}`).join(', ')}`,
  );
  const silent = d.unreachable.filter((n) => refusal(view, n) === undefined);
  if (silent.length > 0) lines.push(`  Not answering: ${silent.join(', ')}`);
  for (const n of d.unreachable.filter((x) => !silent.includes(x)))
    lines.push(`  Answering with an error: ${n} (${refusal(view, n)})`);
  const removes = steps.some((s) => s.effect === 'irreversible' && s.command.outOfService !== undefined);
  if (removes && view.voters > 0) {
    const after = view.voters - 1;
    const quorum = Math.floor(after / 2) + 1;
    lines.push(`  After it: ${after} voter(s) remain; quorum of ${after} is ${quorum}`);
  } else if (removes) lines.push('  After it: no voter was seen before it (quorum is already lost or not read)');
  if (confirm.token !== undefined) {
    const { type, value } = confirm.token;
    // the other half of the target: the member of a node, or the node of a member
    const member = type === 'memberId' ? undefined : view.memberOfNode[value];
    const node = type === 'memberId' ? nodeOfMember(view, value) : undefined;
    const other = member !== undefined ? ` (member ${member})` : node !== undefined ? ` (on ${node})` : '';
    lines.push(`  Target: ${type} ${value}${other}`);
  }
  const loops =
    confirm.token === undefined || _env.runbook === undefined
      ? []
      : (indexSteps(_env.runbook).get(confirm.stepId)?.loops ?? []);
  if (loops.length > 0 && confirm.token !== undefined) {
    // what a flag approval given before the run covers, said where the operator reads it
    lines.push(
      `  Approving by flag: --approve ${confirm.stepId} covers every iteration (${loops.map((l) => l.id).join(' › ')}), each recorded with its target; --approve ${confirm.stepId}@${confirm.token.value} covers this one only`,
    );
  }
  const refs = new Set(steps.flatMap((s) => s.argv.flatMap((a) => (isRef(a) ? [a.ref] : []))));
  const used = new Set([...refs].map((r) => r.split('.')[0]));
  // a param that stands for something else (a snapshot fetched from a backup): say what it is
  for (const [name, source] of Object.entries(_env.paramSources ?? {}))
    if (refs.has(`params.${name}`)) lines.push(`  ${name}: ${source}`);
  for (const [name, cap] of Object.entries(context.captures)) {
    // where the node keeps etcd data decides what the wipe must take (etcd-volume), said only
    // for the capture the next command reads: another node's layout would mislead
    if (used.has(name) && typeof cap.layout === 'string' && typeof cap.labels === 'string')
      lines.push(`  etcd data on this node: ${cap.layout}; wiping ${cap.labels}`);
    if (typeof cap.hash === 'string' && typeof cap.revision === 'number') {
      lines.push(
        `  Latest snapshot (${name}): hash ${cap.hash}, revision ${cap.revision}${typeof cap.path === 'string' ? `, ${cap.path}` : ''}`,
      );
    }
  }
  lines.push(`  State fingerprint: sha256:${view.fingerprint.slice(0, 16)}`);
  return lines.join('\n');
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
