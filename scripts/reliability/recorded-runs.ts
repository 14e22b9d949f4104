import { existsSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import fc from 'fast-check';
import { stringify } from 'yaml';
import type { ObservationName } from '../../src/checks/catalog.js';
import { gatherObservation } from '../../src/checks/observe/index.js';
import { lintRunbook } from '../../src/compile/lint.js';
import { createClusterReader } from '../../src/engine/cluster-reader.js';
import { createRunEvents } from '../../src/engine/events.js';
import { Journal } from '../../src/engine/journal.js';
import { parseParams } from '../../src/engine/params.js';
import { buildPlan } from '../../src/engine/plan.js';
import { PromptInterrupted } from '../../src/engine/prompter.js';
import { readOnlyTalosctl } from '../../src/engine/read-only-talosctl.js';
import { executeRun } from '../../src/engine/run.js';
import { gateIds } from '../../src/engine/session.js';
import { scopeOf } from '../../src/engine/step-text.js';
import type { Value } from '../../src/runbook/params.js';
import { resolveArgs } from '../../src/runbook/refs.js';
import { classify } from '../../src/talos/commands.js';
import type { CommandResult, Talosctl } from '../../src/talos/talosctl.js';
import { F_IDS, F_NODES, type FakeState, fakeState, fakeTalosctl } from '../../test/helpers/fake-talosctl.js';

/**
 * Generated runbooks (read, disruptive, irreversible, local-write and unknown commands with odd
 * flag spellings, confirms, foreach, choice) through plan, dry run and a non-interactive run
 * without --approve, against a stand-in talosctl that answers like the fake cluster and records
 * every argv. What reached it is checked with the command registry (`recordedViolations`):
 * plan and dry run reach it only with reads; a run without approvals never with a gated or
 * irreversible argv, and a disruptive argv only after fresh quorum reads.
 */

export type Mode = 'plan' | 'dry-run' | 'run';

const QUORUM_READS = ['etcd members', 'etcd status'];

/** What should not have reached talosctl in `mode`, one line each (empty: all is well). */
export function recordedViolations(mode: Mode, calls: readonly (readonly string[])[]): string[] {
  const out: string[] = [];
  let reads = new Set<string>();
  for (const [i, argv] of calls.entries()) {
    const c = classify(argv);
    const what = `${mode}: call ${i + 1} talosctl ${argv.join(' ')}`;
    if (!c.ok) {
      out.push(`${what} was refused by the registry (${c.refusal.reason}) yet reached talosctl`);
      continue;
    }
    const { effect, gate } = c.value;
    if (mode !== 'run' && effect !== 'read') out.push(`${what} is ${effect}, not a read`);
    if (mode === 'run' && (gate || effect === 'irreversible'))
      out.push(`${what} is ${effect}${gate ? ', gated,' : ''} and ran with no approval`);
    if (effect === 'disruptive' || effect === 'irreversible') {
      if (mode === 'run' && effect === 'disruptive' && !QUORUM_READS.every((r) => reads.has(r)))
        out.push(`${what} is disruptive and ran without fresh quorum reads (${QUORUM_READS.join(', ')}) before it`);
      reads = new Set();
    } else reads.add(argv.join(' '));
  }
  return out;
}

// ── the stand-in ──────────────────────────────────────────────────────────────────────────

const SNAPSHOT = Buffer.alloc(2 * 512 + 32, 1);

/** The fake cluster, recording every argv; commands it does not model succeed with no output. */
export function recordingTalosctl(state: FakeState = fakeState()): Talosctl & { argvs: string[][] } {
  const fake = fakeTalosctl(state);
  const argvs: string[][] = [];
  const ok = (node: string, stdout: string): CommandResult => ({
    argv: ['--nodes', node],
    binary: 'fake',
    node,
    pid: 1,
    exitCode: 0,
    signal: null,
    stdout,
    stderr: '',
    durationMs: 1,
    timedOut: false,
    canceled: false,
  });
  const self: Talosctl & { argvs: string[][] } = {
    binary: 'recording',
    argvs,
    async run(node, args, opts) {
      argvs.push([...args]);
      const cmd = args.join(' ');
      if (args[0] === 'etcd' && args[1] === 'snapshot' && typeof args[2] === 'string') {
        writeFileSync(args[2], SNAPSHOT);
        return ok(
          node,
          `etcd snapshot saved to ${JSON.stringify(args[2])} (${SNAPSHOT.length} bytes)\nsnapshot info: hash c25fd181, revision 4193, total keys 1287, total size 3035136\n`,
        );
      }
      if (['etcd members', 'etcd status', 'etcd alarm list', 'service etcd'].includes(cmd))
        return fake.run(node, args, opts);
      return ok(node, '');
    },
    async runEach(nodes, args, opts) {
      const r: CommandResult[] = [];
      for (const n of nodes) r.push(await self.run(n, args, opts));
      return r;
    },
    clientVersion: (opts) => fake.clientVersion(opts),
  };
  return self;
}

// ── generated runbooks ────────────────────────────────────────────────────────────────────

type Arg = string | { ref: string };
interface Cmd {
  argv: Arg[];
  /** a typed confirm must come before it (irreversible, or gated by the registry) */
  gated: boolean;
  /** one node only (single-node talosctl commands, and everything that is not a read) */
  single: boolean;
}

const cmd = (argv: Arg[], gated: boolean, single = true): Cmd => ({ argv, gated, single });
const READS: Cmd[] = [
  cmd(['etcd', 'members'], false, false),
  cmd(['etcd', 'status'], false, false),
  cmd(['etcd', 'alarm', 'list'], false, false),
  cmd(['service', 'etcd'], false, false),
  cmd(['services', '-i', 'etcd', 'status'], false, false),
  cmd(['logs', 'etcd', '--tail=5'], false, false),
  cmd(['logs', '-k', 'etcd', '--tail', '5'], false, false),
  cmd(['get', 'members', '-oyaml'], false, false),
  cmd(['version', '--short'], false, false),
  cmd(['dmesg', '--tail'], false, false),
  cmd(['apply-config', '-fcp.yaml', '--dry-run'], false, false),
];
const DISRUPTIVE: Cmd[] = [
  cmd(['etcd', 'defrag'], false),
  cmd(['etcd', 'forfeit-leadership'], false),
  cmd(['service', 'etcd', 'restart'], false),
  cmd(['services', 'etcd', 'stop'], false),
  cmd(['apply-config', '-f', 'cp.yaml', '-mno-reboot'], false),
  cmd(['apply', '--file=cp.yaml', '--mode', 'staged'], false),
  cmd(['apply-config', '-fcp.yaml', '-m=reboot'], true),
  cmd(['apply-config', '-f', 'cp.yaml', '--dry-run=false'], true),
  cmd(['reboot', '-m', 'powercycle'], true),
  cmd(['upgrade', '-s', '--force=false'], true),
];
const IRREVERSIBLE: Cmd[] = [
  cmd(['etcd', 'leave'], true),
  cmd(['etcd', 'remove-member', F_IDS[2]], true),
  cmd(['etcd', 'alarm', 'disarm'], true),
  cmd(['reset', '--graceful=false', '--system-labels-to-wipe=EPHEMERAL,STATE'], true),
  cmd(['reset', '--wipe-mode', 'user-disks', '--reboot'], true),
  cmd(['bootstrap', '--recover-from', './db.snapshot', '--recover-skip-hash-check'], true),
  cmd(['upgrade', '-sf'], true),
  cmd(['shutdown', '--force'], true),
];
const UNKNOWN: Cmd[] = [
  cmd(['frobnicate'], true),
  cmd(['service', 'etcd', 'kill'], true),
  cmd(['etcd', 'members', '--bogus'], true),
  cmd(['reboot', '--mode', 'kexec'], true),
  cmd(['etcd', 'remove-member', 'cp-3'], true),
  cmd(['apply-config', '-f', 'cp.yaml', '--dry-run', 'false'], true),
];
const LOCAL_WRITE: Cmd[] = [cmd(['etcd', 'snapshot', { ref: 'params.path' }], false)];

type Leaf =
  | { kind: 'cmd'; cmd: Cmd; node: number }
  | { kind: 'confirm' }
  | { kind: 'read'; observe: 'leader' | 'rolling-order' }
  | { kind: 'postcondition' }
  | { kind: 'choice'; skip: number };
type Item = Leaf | { kind: 'foreach'; body: Leaf[] };

const leaf: fc.Arbitrary<Leaf> = fc.oneof(
  {
    weight: 4,
    arbitrary: fc.record({ kind: fc.constant('cmd' as const), cmd: fc.constantFrom(...READS), node: fc.nat(3) }),
  },
  {
    weight: 3,
    arbitrary: fc.record({ kind: fc.constant('cmd' as const), cmd: fc.constantFrom(...DISRUPTIVE), node: fc.nat(3) }),
  },
  {
    weight: 2,
    arbitrary: fc.record({ kind: fc.constant('cmd' as const), cmd: fc.constantFrom(...IRREVERSIBLE), node: fc.nat(3) }),
  },
  {
    weight: 1,
    arbitrary: fc.record({ kind: fc.constant('cmd' as const), cmd: fc.constantFrom(...UNKNOWN), node: fc.nat(3) }),
  },
  {
    weight: 1,
    arbitrary: fc.record({ kind: fc.constant('cmd' as const), cmd: fc.constantFrom(...LOCAL_WRITE), node: fc.nat(3) }),
  },
  { weight: 1, arbitrary: fc.constant({ kind: 'confirm' as const }) },
  { weight: 1, arbitrary: fc.constant({ kind: 'postcondition' as const }) },
  {
    weight: 1,
    arbitrary: fc.record({ kind: fc.constant('read' as const), observe: fc.constantFrom('leader', 'rolling-order') }),
  },
  { weight: 1, arbitrary: fc.record({ kind: fc.constant('choice' as const), skip: fc.nat(3) }) },
);
const item: fc.Arbitrary<Item> = fc.oneof(
  { weight: 5, arbitrary: leaf },
  {
    weight: 1,
    arbitrary: fc.record({
      kind: fc.constant('foreach' as const),
      body: fc.array(
        leaf.filter((l) => l.kind !== 'choice'),
        { minLength: 1, maxLength: 3 },
      ),
    }),
  },
);
export const runbookItems = fc.array(item, { minLength: 1, maxLength: 8 });

/** The runbook text of generated items: a confirm is put before every gated command. */
export function runbookText(items: readonly Item[], name = 'generated'): string {
  let n = 0;
  const nodes = { ref: 'params.nodes' };
  const build = (l: Leaf, ids: string[], at: number, loopVar?: string): Array<Record<string, unknown>> => {
    const id = `s${++n}`;
    switch (l.kind) {
      case 'confirm':
        return [{ id, confirm: { prompt: `Go on (${id})?` } }];
      case 'read':
        return [{ id, read: { observe: l.observe, with: { nodes } } }];
      case 'postcondition':
        return [{ id, postcondition: { check: 'leader-elected', with: { nodes } } }];
      case 'choice': {
        const target = ids[at + 1 + l.skip];
        return [{ id, choice: { check: 'no-alarms', with: { nodes }, ...(target ? { ifFail: target } : {}) } }];
      }
      case 'cmd': {
        const target =
          loopVar !== undefined
            ? { node: { ref: loopVar } }
            : !l.cmd.single && l.node === 0
              ? { nodes }
              : { node: F_NODES[l.node % F_NODES.length] };
        const step = { id, talosctl: l.cmd.argv, ...target };
        return l.cmd.gated ? [{ id: `${id}-ok`, confirm: { prompt: `Run ${l.cmd.argv.join(' ')}?` } }, step] : [step];
      }
    }
  };
  // ids are given in order, so a choice can name a later top-level step
  const firstIds = items.map((_, i) => `top${i}`);
  const steps = items.flatMap((it, i): Array<Record<string, unknown>> => {
    if (it.kind === 'foreach') {
      const v = `n${i}`;
      return [{ id: firstIds[i], foreach: { in: nodes, as: v }, steps: it.body.flatMap((b) => build(b, [], 0, v)) }];
    }
    const built = build(it, firstIds, i);
    const first = built[0] as Record<string, unknown>;
    first.id = firstIds[i];
    return built;
  });
  return stringify({
    apiVersion: 'talos-dr/v1',
    kind: 'Runbook',
    metadata: { name, title: 'Generated runbook' },
    params: {
      nodes: { type: 'nodes', description: 'control plane nodes' },
      path: { type: 'path', description: 'where a snapshot goes' },
    },
    steps,
  });
}

// ── the three runs ────────────────────────────────────────────────────────────────────────

const nullJournal = () => Journal.create('', { sink: { append() {}, sync() {}, close() {} } });
const nobody = { interactive: false, input: () => Promise.reject(new PromptInterrupted('no terminal')) };

/**
 * plan --live-reads, run --dry-run --approve <every gate>, and run (no terminal, no --approve)
 * of one runbook text; `dir` holds the snapshot paths (none may exist after plan or dry run).
 */
export async function runThree(
  text: string,
  dir: string,
  opts: {
    /** params besides nodes, given the snapshot path of the mode */
    params?: (snapshotPath: string) => string[];
    /** the fake cluster each mode starts from (default: healthy, no alarm) */
    cluster?: () => FakeState;
  } = {},
): Promise<{ valid: boolean; calls: Record<Mode, string[][]>; violations: string[]; lintErrors: string[] }> {
  const calls: Record<Mode, string[][]> = { plan: [], 'dry-run': [], run: [] };
  const lint = lintRunbook(text, 'generated.yaml');
  if (!lint.ok)
    return { valid: false, calls, violations: [], lintErrors: lint.errors.map((e) => `${e.code} ${e.message}`) };
  const signal = new AbortController().signal;
  const violations: string[] = [];
  for (const mode of ['plan', 'dry-run', 'run'] as const) {
    const path = join(dir, `${mode}.snapshot`);
    const params = parseParams(lint.runbook.params, [
      `nodes=${F_NODES.join(',')}`,
      ...(opts.params ?? ((p) => [`path=${p}`]))(path),
    ]);
    const inner = recordingTalosctl(opts.cluster?.());
    const talosctl = mode === 'run' ? inner : readOnlyTalosctl(inner);
    if (mode === 'plan') {
      // what `talos-dr plan --live-reads` does: top-level read steps through the read-only adapter
      const context = { params, captures: {} as Record<string, Record<string, Value>>, vars: {} };
      for (const s of lint.runbook.steps) {
        if (s.kind !== 'read') continue;
        const args = resolveArgs(s.with, scopeOf(context));
        if (!args.ok) continue;
        const reader = createClusterReader({
          talosctl,
          journal: nullJournal(),
          step: () => s.id,
          signal,
          timeoutMs: 5_000,
        });
        const r = await gatherObservation(s.observe as ObservationName, reader, args.value);
        if (r.result.ok) context.captures[s.capture] = r.result.outputs as Record<string, Value>;
      }
      buildPlan(lint.runbook, context);
    } else {
      await executeRun({
        runbook: lint.runbook,
        compiled: lint.compiled,
        params,
        talosctl,
        journal: nullJournal(),
        events: createRunEvents(),
        prompter: nobody,
        // the dry run is approved at every gate, so it rehearses every step (it is safe by
        // construction); the real run has no approval at all
        policy: {
          interactive: false,
          preApproved: new Set(mode === 'dry-run' ? gateIds(lint.runbook) : []),
          operator: 'generated',
        },
        dryRun: mode === 'dry-run',
        signal,
        sleep: async () => {},
      });
    }
    calls[mode] = inner.argvs;
    violations.push(...recordedViolations(mode, inner.argvs));
    if (mode !== 'run' && existsSync(path)) violations.push(`${mode}: wrote ${path}`);
  }
  return { valid: true, calls, violations, lintErrors: [] };
}

export interface RecordedRunsFigures {
  runbooks: number;
  valid: number;
  calls: Record<Mode, number>;
  /** calls by registry class over all runs, to show the mix reached talosctl */
  runCallsByEffect: Record<string, number>;
  violations: number;
  samples: string[];
  invalidSamples: string[];
}

/** `count` generated runbooks through plan, dry run and a run without approvals. */
export async function recordedRuns(count: number, seed = 1): Promise<RecordedRunsFigures> {
  const f: RecordedRunsFigures = {
    runbooks: 0,
    valid: 0,
    calls: { plan: 0, 'dry-run': 0, run: 0 },
    runCallsByEffect: {},
    violations: 0,
    samples: [],
    invalidSamples: [],
  };
  const root = mkdtempSync(join(tmpdir(), 'tdr-recorded-'));
  try {
    const all = fc.sample(runbookItems, { seed, numRuns: count });
    for (const [i, items] of all.entries()) {
      const text = runbookText(items, `generated-${i}`);
      const r = await runThree(text, mkdtempSync(join(root, `${i}-`)));
      f.runbooks++;
      if (!r.valid) {
        if (f.invalidSamples.length < 3) f.invalidSamples.push(`${r.lintErrors.join('; ')}\n${text}`);
        continue;
      }
      f.valid++;
      for (const m of ['plan', 'dry-run', 'run'] as const) f.calls[m] += r.calls[m].length;
      for (const a of r.calls.run) {
        const c = classify(a);
        const k = c.ok ? c.value.effect : 'refused';
        f.runCallsByEffect[k] = (f.runCallsByEffect[k] ?? 0) + 1;
      }
      f.violations += r.violations.length;
      if (r.violations.length > 0 && f.samples.length < 5) f.samples.push(`${r.violations.join('\n')}\n${text}`);
    }
  } finally {
    rmSync(root, { recursive: true, force: true });
  }
  return f;
}
