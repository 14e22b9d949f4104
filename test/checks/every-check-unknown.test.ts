import { describe, expect, it } from 'vitest';
import { CHECKS, type CheckName, OBSERVATIONS, type ObservationName } from '../../src/checks/catalog.js';
import { OBSERVATION_IMPLS } from '../../src/checks/observe/index.js';
import { unparsedRead } from '../../src/checks/read-cause.js';
import { type ClusterReads, gatherReads, type Read, type ReadKind, type readsOf } from '../../src/checks/reader.js';
import { CHECK_IMPLS } from '../../src/checks/registry.js';
import type { CheckArgs, Observed } from '../../src/checks/verdict.js';
import {
  parseAlarms,
  parseMembers,
  parseService,
  parseStatus,
  parseTime,
  parseVolumeStatus,
} from '../../src/talos/parse/index.js';
import { FAILED, type FailedRead, fakeReader, healthyCluster, IDS, NODES, node } from '../helpers/fake-cluster.js';

// Issue #14 item 5: every check and observation of the catalog, over one node that could not be
// seen: an error (refused, PermissionDenied, a certificate, a timeout, any error), output not
// understood (garbage on exit 0; an etcd status header with an unknown column) and a partial
// answer (the node's own status row / service block missing). Unless the check's rule says
// otherwise (listed below with why), the verdict is unknown and its words name the node and why.
const nodes = [...NODES];
const [A, B, C] = NODES;
const [ID0, ID1, ID2] = IDS;
const KINDS: ReadKind[] = ['members', 'status', 'alarms', 'service', 'revision', 'time', 'volume'];

const unparsedOf = (r: { ok: boolean; error?: { message: string } }): FailedRead =>
  unparsedRead(r.ok ? 'parsed' : (r.error?.message ?? ''));
const GARBAGE = '%%% garbage ### not a table\n';
const SPARE =
  'NODE         MEMBER             DB SIZE   IN USE            LEADER             RAFT INDEX   RAFT TERM   RAFT APPLIED INDEX   LEARNER   PROTOCOL   STORAGE   SPARE   ERRORS\n' +
  '127.0.0.13   8e4d5d8f9a0b2c3d   3.6 MB    2.2 MB (61.59%)   6457a4e8ecba5c61   4703         2           4703                 false     3.6.4      3.6.0     x\n';

type Fault = 'refused' | 'denied' | 'certificate' | 'timeout' | 'error' | 'garbage' | 'spare-column' | 'partial';
const FAULTS: Fault[] = ['refused', 'denied', 'certificate', 'timeout', 'error', 'garbage', 'spare-column', 'partial'];
/** Words the summary (or reason) must hold for each fault. */
const WORDS: Record<Fault, RegExp> = {
  refused: /connection refused/,
  denied: /permission denied/,
  certificate: /TLS certificate problem/,
  timeout: /timed out/,
  error: /exit code 1/,
  garbage: /output not understood: .*garbage/,
  'spare-column': /output not understood: unknown column "SPARE"|output not understood/,
  partial: /no row of its own|no etcd block of its own/,
};

/** Replaces every read of `at` as the fault says (partial: only status and service have an own row). */
function inject(reads: ClusterReads, at: string, fault: Fault): void {
  const fixed: Partial<Record<Fault, FailedRead>> = {
    refused: FAILED.nodeDown,
    denied: FAILED.denied,
    certificate: FAILED.certificate,
    timeout: FAILED.timeout,
    error: FAILED.error,
  };
  for (const kind of KINDS) {
    const byNode = reads[kind] as Record<string, Read<unknown>>;
    if (byNode[at] === undefined) continue;
    const f = fixed[fault];
    if (f) byNode[at] = f;
    else if (fault === 'garbage') {
      const parse = {
        members: parseMembers,
        status: parseStatus,
        alarms: parseAlarms,
        service: parseService,
        time: parseTime,
        volume: parseVolumeStatus,
      }[kind as 'members'] as ((s: string) => { ok: boolean; error?: { message: string } }) | undefined;
      byNode[at] = parse ? unparsedOf(parse(GARBAGE)) : unparsedRead('revision: "%%% garbage" is not a number');
    } else if (fault === 'spare-column' && kind === 'status') byNode[at] = unparsedOf(parseStatus(SPARE));
    else if (fault === 'partial' && (kind === 'status' || kind === 'service')) {
      // the node answered, but only with another node's row / block
      const other = reads[kind][at === A ? B : A];
      if (other?.ok) byNode[at] = { ok: true, value: other.value };
    }
  }
}

type Want = 'pass' | 'fail' | 'unknown' | 'ok' | 'refuse' | 'baseline';
interface Case {
  args: CheckArgs;
  /** the node whose reads are faulted (default C) */
  at?: string;
  baseline: 'pass' | 'fail' | 'ok';
  /** per fault, when the check's rule gives something else than unknown / refuse (and why) */
  except?: Partial<Record<Fault, Want>>;
}

const NOT_LISTED = 'aaaaaaaaaaaaaaaa';
// faults that leave a members-, alarms- or revision-only check's reads untouched (no own row there)
const NO_ROW: Partial<Record<Fault, Want>> = { 'spare-column': 'baseline', partial: 'baseline' };

const CHECK_CASES: Record<Exclude<CheckName, 'flag-set'>, Case> = {
  // alarm list is cluster state: with no alarm raised on A and B, C not seen leaves it unknown
  'alarm-active': { args: { alarm: 'NOSPACE' }, baseline: 'fail', except: NO_ROW },
  'no-alarms': { args: {}, baseline: 'pass' },
  'members-count': { args: { count: 3 }, baseline: 'pass', except: NO_ROW },
  'all-members-started': { args: {}, baseline: 'pass', except: NO_ROW },
  'no-learners': { args: {}, baseline: 'pass' },
  'member-present': { args: { member: ID0 }, baseline: 'pass', except: NO_ROW },
  // a node whose etcd is positively silent holds no list to ask (the removed member's own node)
  'member-absent': { args: { member: NOT_LISTED }, baseline: 'pass', except: { ...NO_ROW, refused: 'pass' } },
  // a refused node is positive evidence its member does not answer
  'member-healthy': { args: { node: C }, baseline: 'pass', except: { refused: 'fail' } },
  'leader-elected': { args: {}, baseline: 'pass', except: { refused: 'fail' } },
  'raft-converged': { args: { polls: 1 }, baseline: 'pass' },
  'db-in-use-ratio': { args: {}, baseline: 'pass' },
  'db-size-dropped': { args: { node: C }, baseline: 'pass' },
  // removing B leaves A and C: C refused is seen out (1 < 2); C not seen could still vote
  'quorum-safe-to-remove': { args: { member: ID1 }, baseline: 'pass', except: { refused: 'fail' } },
  'quorum-safe-to-disrupt': { args: { node: B, mode: 'member' }, baseline: 'pass', except: { refused: 'fail' } },
  'service-state': { args: { state: 'Running' }, baseline: 'pass', except: { 'spare-column': 'baseline' } },
  // A and B up and following one leader are positive evidence that quorum holds, whatever C shows
  'quorum-lost': {
    args: {},
    baseline: 'fail',
    except: Object.fromEntries(FAULTS.map((f) => [f, 'fail'])) as Record<Fault, Want>,
  },
  'snapshot-verified': { args: { path: '/tmp/db.snap' }, baseline: 'pass', except: NO_ROW },
};

const OBSERVATION_CASES: Record<ObservationName, Case> = {
  // a positively down member has no say in who leads; one not seen may name another leader
  leader: { args: {}, baseline: 'ok', except: { refused: 'ok' } },
  'rolling-order': { args: {}, baseline: 'ok', except: { refused: 'ok' } },
  // when its etcd gives no answer at all, the member listed with its address is the only source
  'member-of-node': { args: { node: C }, baseline: 'ok', except: { refused: 'ok', timeout: 'ok' } },
  // baseline: nothing is lost, so it refuses; C refused, or its status AND service timing out
  // (etcd-evidence.ts: the node does not answer talosctl), is the lost member
  'lost-member': { args: {}, baseline: 'ok', except: { refused: 'ok', timeout: 'ok' } },
  'lagging-member': { args: {}, baseline: 'ok' },
  'max-revision': { args: {}, baseline: 'ok', except: NO_ROW },
  // reachable-node skips a node that refuses (its meaning); anything else on A stops the choice
  'reachable-node': { args: {}, at: A, baseline: 'ok', except: { refused: 'ok', 'spare-column': 'baseline' } },
  // only the node's own volume read counts; a wipe must never guess where etcd keeps its data
  'etcd-volume': { args: { node: C }, baseline: 'ok', except: NO_ROW },
  // a report, never a stop: what it could not read is in its words (observe.test.ts)
  preflight: {
    args: {},
    baseline: 'ok',
    except: Object.fromEntries(FAULTS.map((f) => [f, 'ok'])) as Record<Fault, Want>,
  },
};

function cluster() {
  const c = healthyCluster();
  node(c, B).raftIndex = 500; // B lags: lagging-member names it when every member is seen
  Object.assign(node(c, C), { dbSizeBytes: 2_000_000, inUseBytes: 1_000_000 }); // C was defragmented
  return c;
}

async function readsFor(reads: ReturnType<typeof readsOf>, at: string, fault: Fault | undefined) {
  const c = cluster();
  const r = await gatherReads(fakeReader(c), reads);
  if (fault !== undefined) inject(r, at, fault);
  return r;
}

const snapshots = {
  path: '/tmp/db.snap',
  stat: { bytes: 2015264 },
  status: { hash: 'c25fd181', revision: 9000, totalKeys: 1, totalSize: 1 },
};

async function verdictOf(name: Exclude<CheckName, 'flag-set'>, fault: Fault | undefined) {
  const kase = CHECK_CASES[name];
  const args = { nodes, ...kase.args } as CheckArgs;
  const impl = CHECK_IMPLS[name];
  const reads = await readsFor(impl.reads(args), kase.at ?? C, fault);
  const observed: Observed = name === 'snapshot-verified' ? { reads, snapshot: snapshots } : { reads };
  const lagged =
    name === 'raft-converged'
      ? { ...args, maxSpread: 1000 }
      : name === 'member-healthy'
        ? { ...args, maxLag: 1000 }
        : args;
  return impl.evaluate(observed, lagged);
}

async function derivedOf(name: ObservationName, fault: Fault | undefined) {
  const kase = OBSERVATION_CASES[name];
  const args = { nodes, ...kase.args } as CheckArgs;
  const impl = OBSERVATION_IMPLS[name];
  const reads = await readsFor(impl.reads(args), kase.at ?? C, fault);
  return impl.derive(reads, name === 'lagging-member' ? { ...args, maxLag: 100 } : args);
}

describe('every check: a node not seen is unknown, with the node and why', () => {
  it('covers every check of the catalog that reads the cluster', () => {
    expect(Object.keys(CHECK_CASES).sort()).toEqual(
      Object.keys(CHECKS)
        .filter((n) => n !== 'flag-set')
        .sort(),
    );
  });

  for (const name of Object.keys(CHECK_CASES) as Exclude<CheckName, 'flag-set'>[]) {
    const kase = CHECK_CASES[name];
    it(`${name}: baseline ${kase.baseline}`, async () => {
      const v = await verdictOf(name, undefined);
      expect(v.verdict, v.summary).toBe(kase.baseline);
    });
    for (const fault of FAULTS) {
      const want = kase.except?.[fault] ?? 'unknown';
      it(`${name}: ${fault} on ${kase.at ?? C} → ${want}`, async () => {
        const v = await verdictOf(name, fault);
        expect(v.verdict, v.summary).toBe(want === 'baseline' ? kase.baseline : want);
        if (want === 'unknown') {
          expect(v.summary).toContain(kase.at ?? C);
          expect(v.summary).toMatch(WORDS[fault]);
        }
        expect(JSON.stringify(v.observed).length).toBeLessThan(1500);
      });
    }
  }
});

describe('every observation: refuses to name a target on what it did not see', () => {
  it('covers every observation of the catalog', () => {
    expect(Object.keys(OBSERVATION_CASES).sort()).toEqual(Object.keys(OBSERVATIONS).sort());
  });

  for (const name of Object.keys(OBSERVATION_CASES) as ObservationName[]) {
    const kase = OBSERVATION_CASES[name];
    const baselineOk = name !== 'lost-member';
    it(`${name}: baseline ${baselineOk ? 'names a target' : 'refuses (nothing is lost)'}`, async () => {
      const r = await derivedOf(name, undefined);
      expect(r.ok, r.ok ? r.summary : r.reason).toBe(baselineOk);
    });
    for (const fault of FAULTS) {
      const want = kase.except?.[fault] ?? 'refuse';
      it(`${name}: ${fault} on ${kase.at ?? C} → ${want}`, async () => {
        const r = await derivedOf(name, fault);
        const ok = want === 'ok' || (want === 'baseline' && baselineOk);
        expect(r.ok, r.ok ? r.summary : r.reason).toBe(ok);
        if (!r.ok && want === 'refuse') {
          expect(r.reason).toContain(kase.at ?? C);
          expect(r.reason).toMatch(WORDS[fault]);
        }
      });
    }
  }

  it('the exceptions name what they rest on', async () => {
    const lost = await derivedOf('lost-member', 'refused');
    expect(lost).toMatchObject({ ok: true, outputs: { node: C, member: ID2, reachable: false } });
    const mine = await derivedOf('member-of-node', 'timeout');
    expect(mine).toMatchObject({ ok: true, outputs: { member: ID2 } });
    if (mine.ok)
      expect(mine.summary).toBe(
        `member ${ID2} is listed with ${C}'s address (${C} did not answer (talosctl timed out))`,
      );
    const first = await derivedOf('reachable-node', 'refused');
    expect(first).toMatchObject({ ok: true, outputs: { node: B } });
    if (first.ok) expect(first.summary).toMatch(/skipped: 127\.0\.0\.11 did not answer \(connection error/);
  });
});
