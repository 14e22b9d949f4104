import type { PayloadByType } from '../../src/audit/log-format.js';
import { rebuildReads } from '../../src/audit/replay/rebuild.js';
import type { CheckName } from '../../src/checks/catalog.js';
import { CHECK_IMPLS } from '../../src/checks/registry.js';
import type { CheckArgs, Json, SnapshotFacts } from '../../src/checks/verdict.js';
import type { Journal } from '../../src/engine/journal.js';
import { READ_COMMANDS } from '../../src/talos/read-commands.js';

/**
 * Realistic sample runs for the auditor's report, written through the real Journal with a clock
 * the script advances: a NOSPACE recovery (a timed-out defrag retried, a flag approval) and a
 * restore from a snapshot (typed wipe approvals, one voided by drift, a crash and a resume).
 * Check verdicts are computed by today's evaluators over the recorded outputs, as the engine does.
 */

export const CP = [
  { node: '172.20.0.2', id: 'a49c021e76e707db', name: 'cp-1' },
  { node: '172.20.0.3', id: '0b7a3f9e2c51d804', name: 'cp-2' },
  { node: '172.20.0.4', id: 'f3e2d1c0b9a89776', name: 'cp-3' },
] as const;
const NODES = CP.map((c) => c.node);

/** A clock the script moves by hand. */
export class ScriptClock {
  private t: number;
  constructor(start: string) {
    this.t = Date.parse(start);
  }
  now(): Date {
    const d = new Date(this.t);
    this.t += 250;
    return d;
  }
  advance(ms: number): void {
    this.t += ms;
  }
  iso(): string {
    return new Date(this.t).toISOString();
  }
}

/** talosctl's tabwriter layout: columns padded to the widest cell plus 3 spaces. */
export function table(head: readonly string[], rows: readonly (readonly string[])[]): string {
  const widths = head.map((h, i) => Math.max(h.length, ...rows.map((r) => (r[i] ?? '').length)));
  const line = (cells: readonly string[]) =>
    cells.map((c, i) => (i === cells.length - 1 ? c : c.padEnd((widths[i] ?? 0) + 3))).join('');
  return `${[head, ...rows].map(line).join('\n')}\n`;
}

const MEMBERS_HEAD = ['NODE', 'ID', 'HOSTNAME', 'PEER URLS', 'CLIENT URLS', 'LEARNER'];
const STATUS_HEAD = [
  'NODE',
  'MEMBER',
  'DB SIZE',
  'IN USE',
  'LEADER',
  'RAFT INDEX',
  'RAFT TERM',
  'RAFT APPLIED INDEX',
  'LEARNER',
  'PROTOCOL',
  'STORAGE',
  'ERRORS',
];

export function membersOut(node: string, learners: readonly string[] = []): string {
  return table(
    MEMBERS_HEAD,
    CP.map((c) => [
      node,
      c.id,
      c.name,
      `https://${c.node}:2380`,
      `https://${c.node}:2379`,
      learners.includes(c.id) ? 'true' : 'false',
    ]),
  );
}

export function statusOut(
  node: string,
  o: { db: string; inUse: string; pct: string; index: number; errors?: string; leader?: string },
): string {
  const me = CP.find((c) => c.node === node);
  return table(STATUS_HEAD, [
    [
      node,
      me?.id ?? '',
      o.db,
      `${o.inUse} (${o.pct}%)`,
      o.leader ?? CP[0].id,
      String(o.index),
      '3',
      String(o.index),
      'false',
      '3.6.4',
      '3.6.0',
      o.errors ?? '',
    ],
  ]);
}

export function alarmsOut(node: string, kinds: readonly string[]): string {
  if (kinds.length === 0) return '';
  return table(
    ['NODE', 'MEMBER', 'ALARM'],
    CP.map((c) => [node, c.id, kinds[0] ?? '']),
  );
}

export function serviceOut(node: string, state: 'Running' | 'Preparing'): string {
  const health = state === 'Running' ? 'OK' : '?';
  const events =
    state === 'Running'
      ? 'EVENTS   [Running]: Health check successful (12s ago)\n'
      : 'EVENTS   [Preparing]: Running pre state (9s ago)\n         [Waiting]: Waiting for service "cri" to be "up", time sync (11s ago)\n';
  return `NODE     ${node}\nID       etcd\nSTATE    ${state}\nHEALTH   ${health}\n${events}`;
}

export interface Out {
  stdout: string;
  stderr?: string;
  exitCode?: number | null;
  durationMs?: number;
  timedOut?: boolean;
}

/** Writes engine-like records through a Journal, keeping the results it recorded for check evaluation. */
export class SampleWriter {
  private readonly results = new Map<string, PayloadByType['command-result']>();
  j: Journal;
  readonly clock: ScriptClock;
  constructor(j: Journal, clock: ScriptClock) {
    this.j = j;
    this.clock = clock;
  }

  /** Records one finished talosctl call the way the engine's cluster reader does; returns its ref. */
  result(step: string, argv: readonly string[], node: string, o: Out): string {
    const ms = o.durationMs ?? 180;
    this.clock.advance(ms);
    const ref = `cmd-${this.j.lastSeq + 1}`;
    const payload: PayloadByType['command-result'] = {
      step,
      argv: [...argv],
      node,
      exitCode: o.exitCode === undefined ? 0 : o.exitCode,
      durationMs: ms,
      stdout: o.stdout,
      stderr: o.stderr ?? '',
      timedOut: o.timedOut ?? false,
      ref,
    };
    this.j.append('command-result', payload);
    this.results.set(ref, payload);
    return ref;
  }

  /** A mutating or irreversible command: intent first, then its result. */
  command(step: string, argv: readonly string[], node: string, effect: 'mutating' | 'irreversible', o: Out): void {
    this.j.append('command-intent', { step, argv: [...argv], node, effect });
    this.result(step, argv, node, o);
  }

  /**
   * Records the reads a check needs (outputs from `answer(kind, node)`), then the check itself,
   * evaluated by today's evaluator over exactly those recorded outputs.
   */
  check(
    step: string,
    name: CheckName,
    args: Record<string, Json>,
    answer: (kind: keyof typeof READ_COMMANDS, node: string) => Out,
    snapshot?: SnapshotFacts,
  ): string {
    const impl = CHECK_IMPLS[name];
    const cargs = args as CheckArgs;
    const requests = impl.reads(cargs);
    const evidence: string[] = [];
    for (const q of requests)
      if (q.kind !== 'revision')
        evidence.push(this.result(step, READ_COMMANDS[q.kind], q.node, answer(q.kind, q.node)));
    const { reads } = rebuildReads(requests, evidence, this.results);
    const v = impl.evaluate(snapshot ? { reads, snapshot } : { reads }, cargs);
    this.j.append('check', {
      step,
      name,
      args,
      observed: v.observed,
      verdict: v.verdict,
      summary: v.summary,
      ...(evidence.length > 0 ? { evidence } : {}),
      ...(snapshot ? { snapshot: snapshot as unknown as Json } : {}),
    });
    return v.verdict;
  }

  step(step: string, kind: string, title: string, body: () => void, outcome = 'done'): void {
    this.j.append('step-start', { step, kind, title });
    body();
    this.j.append('step-end', { step, outcome });
  }

  /** An approval gate: the request as shown, then the answer. */
  approve(
    step: string,
    prompt: string,
    token: string,
    fingerprint: string,
    who: string,
    how: 'tty' | 'flag',
    thinkMs: number,
  ): void {
    this.j.append('approval-request', { step, prompt, fingerprint, token });
    this.clock.advance(thinkMs);
    this.j.append('approval', { step, who, how, when: this.clock.iso(), fingerprint, approved: true });
  }
}

export { NODES };
