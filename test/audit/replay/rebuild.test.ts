import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import type { LogRecord, PayloadByType } from '../../../src/audit/log-format.js';
import { resultsByRef } from '../../../src/audit/pairs.js';
import { parseJournal } from '../../../src/audit/read.js';
import { readFromResult, rebuildReads } from '../../../src/audit/replay/rebuild.js';
import { type ClusterReads, gatherReads, NO_REVISION_SOURCE, type ReadRequest } from '../../../src/checks/reader.js';
import { CHECK_IMPLS } from '../../../src/checks/registry.js';
import type { CheckArgs } from '../../../src/checks/verdict.js';
import { createClusterReader } from '../../../src/engine/cluster-reader.js';
import { Journal } from '../../../src/engine/journal.js';
import { recordedResult, type Talosctl } from '../../../src/talos/talosctl.js';
import { memorySink } from '../../helpers/sample-log.js';

/**
 * `log replay` rebuilds the reads a check saw from the raw outputs the log kept. The guarantee
 * tested here: for every check of the recorded sample logs (fixtures/logs/), the rebuilt reads
 * are the reads the live reader (engine/cluster-reader.ts) makes from the same talosctl results,
 * and today's evaluator on them observes exactly what the run recorded.
 */

type Result = PayloadByType['command-result'];
/** each sample log, its check records, and how many of them today's evaluator can re-decide from reads alone */
const LOGS = [
  // alarm-active, db-in-use-ratio, member-healthy ×4, no-alarms
  ['nospace-recovery', 7, 7],
  // leader-elected, snapshot-verified (decided on file facts, not reads), service-state ×2, members-count
  ['restore-from-snapshot', 5, 4],
] as const;
const recordsOf = (name: string) =>
  parseJournal(readFileSync(fileURLToPath(new URL(`../../../fixtures/logs/${name}.jsonl`, import.meta.url)), 'utf8'))
    .records;

/** A talosctl that answers each call with the recorded result of that node and argv. */
function replayingTalosctl(results: readonly Result[]): Talosctl {
  const find = (node: string, args: readonly string[]) => {
    const r = results.find((x) => x.node === node && x.argv.join(' ') === args.join(' '));
    if (r === undefined) throw new Error(`no recorded result for ${node} ${args.join(' ')}`);
    return recordedResult(r);
  };
  return {
    binary: 'talosctl',
    run: async (node, args) => find(node, args),
    runEach: async (nodes, args) => nodes.map((n) => find(n, args)),
    clientVersion: async () => {
      throw new Error('not asked here');
    },
  };
}

/** The live reads of one check, from the results its evidence names, through the live reader. */
async function liveReads(requests: readonly ReadRequest[], evidence: readonly Result[]): Promise<ClusterReads> {
  const { revision: _none, ...reader } = createClusterReader({
    talosctl: replayingTalosctl(evidence),
    journal: Journal.create('unused.jsonl', { sink: memorySink() }),
    step: () => 'replayed',
    signal: new AbortController().signal,
    timeoutMs: 1000,
  });
  return gatherReads(reader, requests);
}

/** Reads without their `raw` ref: the live journal numbers its records afresh. */
function withoutRaw(reads: ClusterReads): unknown {
  return JSON.parse(JSON.stringify(reads, (k, v) => (k === 'raw' ? undefined : v)));
}

describe('rebuildReads on the recorded sample logs', () => {
  for (const [name, checkCount, evaluated] of LOGS) {
    it(`${name}: every check's rebuilt reads are the live reader's, and observe what the run recorded`, async () => {
      const records = recordsOf(name);
      const results = resultsByRef(records);
      const checks = records.filter((r): r is LogRecord<'check'> => r.type === 'check');
      expect(checks.map((c) => c.payload.name)).toHaveLength(checkCount);
      let compared = 0;
      for (const c of checks) {
        const impl = CHECK_IMPLS[c.payload.name as keyof typeof CHECK_IMPLS];
        const args = c.payload.args as CheckArgs;
        const requests = impl.reads(args);
        const evidence = c.payload.evidence ?? [];
        const rebuilt = rebuildReads(requests, evidence, results);
        const at = `${name} record ${c.seq} (${c.payload.name})`;
        expect(rebuilt.unknownRefs, at).toEqual([]);
        expect(rebuilt.missing, at).toEqual([]);
        // each rebuilt read links back to the recorded output it came from
        for (const byNode of Object.values(rebuilt.reads))
          for (const read of Object.values(byNode as Record<string, { raw?: string }>))
            if (read.raw !== undefined) expect(evidence, at).toContain(read.raw);
        const live = await liveReads(
          requests,
          evidence.map((ref) => results.get(ref) as Result),
        );
        expect(withoutRaw(rebuilt.reads), at).toEqual(withoutRaw(live));
        if (c.payload.summary.startsWith('assumed:') || c.payload.name === 'snapshot-verified') continue;
        const today = impl.evaluate({ reads: rebuilt.reads }, args, c.payload.prevState);
        expect(today.observed, at).toEqual(c.payload.observed);
        expect(today.verdict, at).toBe(c.payload.verdict);
        compared++;
      }
      expect(compared).toBe(evaluated);
    });
  }
});

const ALARM_OUT = 'NODE         MEMBER             ALARM\n172.20.0.2   a49c021e76e707db   NOSPACE\n';
const result = (over: Partial<Result>): Result => ({
  step: 's',
  argv: ['etcd', 'alarm', 'list'],
  node: '172.20.0.2',
  exitCode: 0,
  durationMs: 120,
  stdout: ALARM_OUT,
  stderr: '',
  timedOut: false,
  ref: 'cmd-3',
  ...over,
});

describe('readFromResult: one recorded result to one read', () => {
  it('a result that exited 0 is parsed, and links its ref', () => {
    expect(readFromResult('alarms', result({}))).toEqual({
      ok: true,
      value: [{ node: '172.20.0.2', member: 'a49c021e76e707db', kind: 'NOSPACE' }],
      raw: 'cmd-3',
    });
  });

  it('without a ref it links nothing (no raw key at all)', () => {
    expect('raw' in readFromResult('alarms', result({ ref: undefined }))).toBe(false);
  });

  it('output the parser refuses is a failed read saying so, not a value', () => {
    const r = readFromResult('alarms', result({ stdout: 'NODE   SOMETHING\nx   y\n' }));
    expect(r).toMatchObject({ ok: false, unreachable: false, cause: 'unparsed', raw: 'cmd-3' });
    expect(r.ok === false && r.reason.startsWith('output not understood: ')).toBe(true);
  });

  it('a timed-out call is a failed read that may mean unreachable, never parsed', () => {
    const r = readFromResult('alarms', result({ timedOut: true, exitCode: null, stdout: ALARM_OUT }));
    expect(r).toMatchObject({ ok: false, unreachable: true, cause: 'timeout', raw: 'cmd-3' });
  });

  it('a node whose etcd knows no leader: a failed read with that cause (recorded stderr, talosctl v1.14)', () => {
    const stderr = readFileSync(
      fileURLToPath(new URL('../../../fixtures/talosctl/v1.14/errors/04-no-leader/stderr.txt', import.meta.url)),
      'utf8',
    );
    const r = readFromResult('alarms', result({ exitCode: 1, stdout: '', stderr }));
    expect(r).toEqual({
      ok: false,
      reason: 'etcdserver: no leader',
      unreachable: false,
      cause: 'no-leader',
      raw: 'cmd-3',
    });
  });
});

describe('rebuildReads: evidence it cannot use, and reads no evidence answers', () => {
  const results = new Map<string, Result>([
    ['cmd-3', result({})],
    ['cmd-4', result({ ref: 'cmd-4', node: '172.20.0.3' })],
    ['cmd-5', result({ ref: 'cmd-5', argv: ['etcd', 'defrag'], stdout: '' })],
    ['cmd-6', result({ ref: 'cmd-6', node: null })],
  ]);
  const alarms = (node: string): ReadRequest => ({ kind: 'alarms', node });

  it('files each read under its kind and node', () => {
    const r = rebuildReads([alarms('172.20.0.2'), alarms('172.20.0.3')], ['cmd-3', 'cmd-4'], results);
    expect(Object.keys(r.reads.alarms).sort()).toEqual(['172.20.0.2', '172.20.0.3']);
    expect(r.reads.alarms['172.20.0.3']).toMatchObject({ ok: true, raw: 'cmd-4' });
    expect([r.missing, r.unknownRefs]).toEqual([[], []]);
    expect(Object.keys(r.reads.members)).toEqual([]);
  });

  it('a ref with no result, a result that is not a read, and a result with no node are unknown refs', () => {
    const r = rebuildReads([alarms('172.20.0.2')], ['cmd-3', 'cmd-99', 'cmd-5', 'cmd-6'], results);
    expect(r.unknownRefs).toEqual(['cmd-99', 'cmd-5', 'cmd-6']);
    expect(Object.keys(r.reads.alarms)).toEqual(['172.20.0.2']);
  });

  it('a requested read the evidence does not answer is missing (replayed as "not read")', () => {
    const r = rebuildReads(
      [alarms('172.20.0.2'), alarms('172.20.0.4'), { kind: 'members', node: '172.20.0.2' }],
      ['cmd-3'],
      results,
    );
    expect(r.missing).toEqual([alarms('172.20.0.4'), { kind: 'members', node: '172.20.0.2' }]);
  });

  it('evidence of a read nobody asked for still fills it (the record says it was read)', () => {
    const r = rebuildReads([], ['cmd-4'], results);
    expect(Object.keys(r.reads.alarms)).toEqual(['172.20.0.3']);
  });

  it('a revision is never in a log: it is answered "no source", as live without a source, not missing', () => {
    const r = rebuildReads([{ kind: 'revision', node: '172.20.0.2' }], [], results);
    expect(r.reads.revision).toEqual({
      '172.20.0.2': { ok: false, reason: NO_REVISION_SOURCE, unreachable: false },
    });
    expect(r.missing).toEqual([]);
  });
});
