import { leaderText, memberText } from '../checks/words.js';
import type { GateFacts } from '../engine/effects/gate-facts.js';

/**
 * The words of a gate: what runs, what it destroys, the cluster as the gate read it just now.
 * The same text is shown on the terminal and kept in the log as the prompt the operator approved,
 * so an auditor reads exactly what the responder read. A member id always comes with its node
 * when the gate's reads place it.
 */
export function gateText(f: GateFacts): string {
  const lines = [`GATE ${f.stepId}: ${f.prompt}`];
  for (const s of f.next) {
    lines.push(`  Next: ${s.id} [${s.effect.toUpperCase()}]  ${s.command}`);
    if (s.destroys !== undefined) lines.push(`    This ${s.destroys}.`);
  }
  lines.push(`  Cluster now: ${f.members} member(s), ${f.voters} voter(s), ${leaderWords(f)}`);
  lines.push(
    `  Alarms: ${f.alarms.length === 0 ? 'none' : f.alarms.map((a) => `${a.kind} on ${memberText(a.member, a.node)}`).join(', ')}`,
  );
  if (f.silent.length > 0) lines.push(`  Not answering: ${f.silent.join(', ')}`);
  for (const r of f.refusing) lines.push(`  Answering with an error: ${r.node} (${r.reason})`);
  if (f.removes === 'no-voter-seen')
    lines.push('  After it: no voter was seen before it (quorum is already lost or not read)');
  else if (f.removes !== undefined)
    lines.push(
      `  After it: ${f.removes.votersAfter} voter(s) remain; quorum of ${f.removes.votersAfter} is ${f.removes.quorumAfter}`,
    );
  if (f.target !== undefined) {
    const t = f.target;
    const other = t.member !== undefined ? ` (member ${t.member})` : t.node !== undefined ? ` (on ${t.node})` : '';
    lines.push(`  Target: ${t.type} ${t.value}${other}`);
  }
  if (f.loops.length > 0 && f.target !== undefined)
    // what a flag approval given before the run covers, said where the operator reads it
    lines.push(
      `  Approving by flag: --approve ${f.stepId} covers every iteration (${f.loops.join(' › ')}), each recorded with its target; --approve ${f.stepId}@${f.target.value} covers this one only`,
    );
  for (const p of f.paramSources) lines.push(`  ${p.name}: ${p.source}`);
  for (const c of f.captures)
    lines.push(
      c.kind === 'etcd-data'
        ? `  etcd data on this node: ${c.layout}; wiping ${c.labels}`
        : `  Latest snapshot (${c.name}): hash ${c.hash}, revision ${c.revision}${c.path === undefined ? '' : `, ${c.path}`}`,
    );
  lines.push(`  State fingerprint: sha256:${f.fingerprint.slice(0, 16)}`);
  return lines.join('\n');
}

function leaderWords(f: GateFacts): string {
  const [only] = f.leaders;
  if (f.leaders.length === 0 || only === undefined) return 'leader none';
  if (f.leaders.length > 1) return `leader DISAGREEMENT (${f.leaders.join(', ')})`;
  return leaderText(only, f.leaderNode);
}
