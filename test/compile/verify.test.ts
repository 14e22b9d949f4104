import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { lintRunbook } from '../../src/compile/lint.js';
import { type VerifyGraph, type VerifyState, verifyGraph } from '../../src/compile/verify.js';
import { scaled } from '../helpers/scale.js';

// ── (a) on abstract graphs: the must-analysis equals a brute-force enumeration of paths ──────
type Kind = 'confirm' | 'irreversible' | 'recheck' | 'plain' | 'final';
interface RandomGraph {
  kinds: Kind[];
  edges: number[][];
}

function toGraph(r: RandomGraph): VerifyGraph {
  const states = new Map<string, VerifyState>();
  r.kinds.forEach((k, i) => {
    states.set(`s${i}`, {
      id: `s${i}`,
      stepId: `s${i}`,
      kind: k === 'irreversible' ? 'irreversible' : k === 'recheck' ? 'recheck' : 'other',
      needsQuorum: false,
      final: k === 'final',
      edges: k === 'final' ? [] : (r.edges[i] ?? []).map((t) => ({ to: `s${t}`, arms: k === 'confirm' })),
    });
  });
  return { initial: 's0', states, waits: [] };
}

/** Every simple path of the (state, armed) product graph from s0: a violating walk shortens to one. */
function bruteForceUnguarded(r: RandomGraph): Set<string> {
  const bad = new Set<string>();
  const walk = (s: number, armed: boolean, onPath: Set<string>): void => {
    const kind = r.kinds[s];
    if (kind === 'irreversible' && !armed) bad.add(`s${s}`);
    if (kind === 'final') return;
    const out = kind === 'confirm' ? true : kind === 'irreversible' ? false : armed;
    for (const t of r.edges[s] ?? []) {
      const key = `${t}/${out}`;
      if (onPath.has(key)) continue;
      onPath.add(key);
      walk(t, out, onPath);
      onPath.delete(key);
    }
  };
  walk(0, false, new Set(['0/false']));
  return bad;
}

const randomGraph = fc.integer({ min: 2, max: 7 }).chain((n) =>
  fc.record({
    kinds: fc.array(fc.constantFrom<Kind>('confirm', 'irreversible', 'plain', 'plain', 'final'), {
      minLength: n,
      maxLength: n,
    }),
    edges: fc.array(fc.array(fc.integer({ min: 0, max: n - 1 }), { maxLength: 3 }), { minLength: n, maxLength: n }),
  }),
);

describe('verifyGraph', () => {
  it('finds exactly the irreversible states a brute-force path enumeration finds unguarded', () => {
    fc.assert(
      fc.property(randomGraph, (r) => {
        const found = new Set(
          verifyGraph(toGraph(r))
            .filter((v) => v.code === 'RB1301')
            .map((v) => v.stateId),
        );
        expect([...found].sort()).toEqual([...bruteForceUnguarded(r)].sort());
      }),
      { numRuns: scaled(500, 100) },
    );
  });

  it('requires the recheck state right before an irreversible one (RB1302)', () => {
    const g = toGraph({ kinds: ['confirm', 'irreversible', 'final'], edges: [[1], [2], []] });
    expect(verifyGraph(g).map((v) => v.code)).toEqual(['RB1302']);
    const ok = toGraph({ kinds: ['confirm', 'recheck', 'irreversible', 'final'], edges: [[1], [2], [3], []] });
    expect(verifyGraph(ok).map((v) => v.code)).toEqual(['RB1302']); // the recheck of another step
    const recheck = ok.states.get('s1');
    if (recheck) recheck.stepId = 's2';
    expect(verifyGraph(ok)).toEqual([]);
  });

  it('requires a finite timeout on every wait (RB1303)', () => {
    const g = toGraph({ kinds: ['plain', 'final'], edges: [[1], []] });
    g.waits.push({ id: 's0', stepId: 'w', finite: false });
    expect(verifyGraph(g)).toEqual([{ code: 'RB1303', stateId: 's0', stepId: 'w' }]);
  });
});

// ── (a) end to end: random runbooks with goto/onFailure/choice around `etcd leave` ──────────
type RStep =
  | { kind: 'status'; onFailure: string }
  | { kind: 'confirm' }
  | { kind: 'leave'; onFailure: string }
  | { kind: 'choice'; ifPass: string; ifFail: string }
  | { kind: 'end' };

const randomRunbook = fc.integer({ min: 1, max: 6 }).chain((n) => {
  const target = fc.integer({ min: 0, max: n - 1 }).map((i) => `s${i}`);
  const failure = fc.oneof(
    fc.constant('abort'),
    fc.constant('continue'),
    target.map((t) => `goto:${t}`),
  );
  const step = fc.oneof(
    failure.map((onFailure): RStep => ({ kind: 'status', onFailure })),
    fc.constant<RStep>({ kind: 'confirm' }),
    fc
      .oneof(
        fc.constant('abort'),
        target.map((t) => `goto:${t}`),
      )
      .map((onFailure): RStep => ({ kind: 'leave', onFailure })),
    fc.record({ ifPass: target, ifFail: target }).map((c): RStep => ({ kind: 'choice', ...c })),
    fc.constant<RStep>({ kind: 'end' }),
  );
  return fc.array(step, { minLength: n, maxLength: n });
});

function toYaml(steps: RStep[]): string {
  const failure = (f: string): string => (f.startsWith('goto:') ? `{ goto: ${f.slice(5)} }` : f);
  const body = steps.map((s, i): string => {
    const id = `  - id: s${i}\n`;
    switch (s.kind) {
      case 'status':
        return `${id}    talosctl: [etcd, status]\n    node: 10.0.0.1\n    onFailure: ${failure(s.onFailure)}\n`;
      case 'confirm':
        return `${id}    confirm: { prompt: go }\n`;
      case 'leave':
        return `${id}    talosctl: [etcd, leave]\n    node: 10.0.0.3\n    onFailure: ${failure(s.onFailure)}\n`;
      case 'choice':
        return `${id}    choice: { check: no-alarms, with: { nodes: [10.0.0.1] }, ifPass: ${s.ifPass}, ifFail: ${s.ifFail} }\n`;
      default:
        return `${id}    end: { outcome: success, message: done }\n`;
    }
  });
  return `apiVersion: talos-dr/v1\nkind: Runbook\nmetadata: { name: r, title: R }\nsteps:\n${body.join('')}`;
}

/** Step-level semantics, written independently of the compiler: walks of (step, armed). */
function leavesReachableUnconfirmed(steps: RStep[]): Set<string> {
  const END = -1;
  const fail = (f: string, i: number): number => (f === 'abort' ? END : f === 'continue' ? i + 1 : Number(f.slice(6)));
  const next = (i: number): number => (i + 1 < steps.length ? i + 1 : END);
  const succ = (i: number): number[] => {
    const s = steps[i];
    if (s === undefined) return [];
    switch (s.kind) {
      case 'status':
        return [next(i), fail(s.onFailure, i) >= steps.length ? END : fail(s.onFailure, i)];
      case 'leave':
        return [next(i), fail(s.onFailure, i)];
      case 'confirm':
        return [next(i)];
      case 'choice':
        return [Number(s.ifPass.slice(1)), Number(s.ifFail.slice(1)), END];
      case 'end':
        return [];
    }
  };
  const bad = new Set<string>();
  const walk = (i: number, armed: boolean, onPath: Set<string>): void => {
    const s = steps[i];
    if (s === undefined) return;
    if (s.kind === 'leave' && !armed) bad.add(`s${i}`);
    const out = s.kind === 'confirm' ? true : s.kind === 'leave' ? false : armed;
    for (const t of succ(i)) {
      const key = `${t}/${out}`;
      if (t === END || onPath.has(key)) continue;
      onPath.add(key);
      walk(t, out, onPath);
      onPath.delete(key);
    }
  };
  walk(0, false, new Set(['0/false']));
  return bad;
}

describe('etcd leave without a confirm', () => {
  it('is rejected exactly when some path (next, goto, onFailure, choice) reaches it unconfirmed', () => {
    fc.assert(
      fc.property(randomRunbook, (steps) => {
        const r = lintRunbook(toYaml(steps), 'r.yaml');
        const flagged = new Set(
          r.ok ? [] : r.errors.filter((e) => e.code === 'RB1301').map((e) => /"(s\d+)"/.exec(e.message)?.[1]),
        );
        expect([...flagged].sort()).toEqual([...leavesReachableUnconfirmed(steps)].sort());
      }),
      { numRuns: scaled(300, 60) },
    );
  });
});
