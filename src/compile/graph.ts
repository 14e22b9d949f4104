import type { StateMeta } from './contract.js';
import type { CompiledRunbook } from './to-machine.js';
import { machineToGraph } from './verify.js';

/**
 * The compiled machine as a picture: a Mermaid stateDiagram-v2 (GitHub renders it) with
 * irreversible commands, confirms and outcomes styled, or the same graph as JSON.
 */

const safe = (id: string): string => id.replace(/[^A-Za-z0-9_]/g, '_');

export interface GraphJson {
  initial: string;
  states: Array<{
    id: string;
    stepId: string | undefined;
    role: StateMeta['role'];
    effect: string | undefined;
    final: boolean;
  }>;
  edges: Array<{ from: string; to: string }>;
}

export function toGraphJson(compiled: CompiledRunbook): GraphJson {
  const g = machineToGraph(compiled.machine);
  const states = [...g.states.values()].map((s) => {
    const meta = compiled.states[s.id];
    return { id: s.id, stepId: s.stepId, role: meta?.role ?? 'outcome', effect: meta?.effect, final: s.final };
  });
  const edges: GraphJson['edges'] = [];
  const seen = new Set<string>();
  for (const s of g.states.values()) {
    for (const e of s.edges) {
      const key = `${s.id}>${e.to}`;
      if (seen.has(key)) continue;
      seen.add(key);
      edges.push({ from: s.id, to: e.to });
    }
  }
  return { initial: g.initial, states, edges };
}

/** Mermaid source (the operator's run.abort, possible from every state, is not drawn). */
export function toMermaid(compiled: CompiledRunbook): string {
  const g = toGraphJson(compiled);
  const lines = ['stateDiagram-v2', `  [*] --> ${safe(g.initial)}`];
  const live = new Set(g.edges.flatMap((e) => [e.from, e.to]).concat(g.initial));
  for (const s of g.states) {
    if (!live.has(s.id)) continue;
    const label = s.effect === 'irreversible' && s.role === 'command' ? `⚠ ${s.id} (irreversible)` : s.id;
    lines.push(`  state "${label}" as ${safe(s.id)}`);
  }
  for (const e of g.edges) lines.push(`  ${safe(e.from)} --> ${safe(e.to)}`);
  for (const s of g.states) if (s.final && live.has(s.id)) lines.push(`  ${safe(s.id)} --> [*]`);
  lines.push(
    '  classDef irreversible fill:#fdd,stroke:#c00,stroke-width:3px',
    '  classDef confirm fill:#ffd,stroke:#b80',
    '  classDef outcome fill:#eee,stroke:#666',
  );
  const cls = (name: string, pick: (s: GraphJson['states'][number]) => boolean): void => {
    const ids = g.states.filter((s) => live.has(s.id) && pick(s)).map((s) => safe(s.id));
    if (ids.length > 0) lines.push(`  class ${ids.join(',')} ${name}`);
  };
  cls('irreversible', (s) => s.role === 'command' && s.effect === 'irreversible');
  cls('confirm', (s) => s.role === 'confirm' || s.role === 'recheck');
  cls('outcome', (s) => s.final);
  return `${lines.join('\n')}\n`;
}
