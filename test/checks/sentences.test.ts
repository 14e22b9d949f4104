import { readFileSync } from 'node:fs';
import { beforeAll, describe, expect, it } from 'vitest';
import { CHECKS, type CheckName, OBSERVATIONS, type ObservationName } from '../../src/checks/catalog.js';
import { OBSERVATION_IMPLS } from '../../src/checks/observe/index.js';
import type { ClusterReads } from '../../src/checks/reader.js';
import { CHECK_IMPLS } from '../../src/checks/registry.js';
import type { CheckArgs, SnapshotFacts } from '../../src/checks/verdict.js';
import { answers, statusRows, unionMembers, urlHost } from '../../src/checks/view.js';
import { parseSnapshot, parseVolumeStatus } from '../../src/talos/parse/index.js';
import { latestReads } from '../../src/triage/cluster-view.js';
import { replayPolls } from '../../src/triage/gather.js';
import { fixtureNames, loadFixture } from '../triage/helpers.js';

/**
 * Words for a tired responder, attacked over every recorded cluster state: every check and
 * observation of the catalog is evaluated on the reads of fixtures/triage/ (replayed through the
 * real reader and parsers) with every argument that fits, and each sentence it gives is held to:
 *
 * 1. a member is named by its hex id, never "the member" or "a member" alone, never in decimal;
 * 2. a member id comes with the node it runs on, when the reads say where it runs;
 * 3. the member and the node a check or observation is asked about are in its sentence;
 * 4. a verdict that cannot tell names every node it did not see.
 */

interface Cluster {
  name: string;
  nodes: string[];
  reads: ClusterReads;
  /** every member id the reads show, with its node when they say where it runs */
  members: Map<string, string | undefined>;
}

interface Sentence {
  where: string;
  text: string;
  /** the member and node the call was about, and the nodes it did not see */
  member?: string;
  node?: string;
  unseen: string[];
}

const SNAPSHOT = parseSnapshot(readFileSync('fixtures/talosctl/v1.14/snapshot/ok/stdout.txt', 'utf8'), 0);
const VOLUMES = ['dedicated-partition', 'directory'].map((v) => {
  const r = parseVolumeStatus(readFileSync(`fixtures/talosctl/v1.14/volume-status/${v}/stdout.txt`, 'utf8'));
  if (!r.ok) throw new Error(`volume-status/${v} does not parse`);
  return r.value;
});

/** The members of the reads, each with its node: from a status row, else from its URLs. */
function membersOf(reads: ClusterReads, nodes: readonly string[]): Map<string, string | undefined> {
  const out = new Map<string, string | undefined>();
  for (const { node, value } of statusRows(reads, nodes).answered) {
    out.set(value.member, node);
    if (value.leader !== '0000000000000000' && !out.has(value.leader)) out.set(value.leader, undefined);
  }
  for (const m of unionMembers(answers(reads.members, nodes).answered)) {
    const hosts = [...m.peerUrls, ...m.clientUrls].map(urlHost);
    const node = nodes.find((n) => hosts.includes(n));
    if (out.get(m.id) === undefined) out.set(m.id, node);
  }
  for (const { value } of answers(reads.alarms, nodes).answered)
    for (const a of value) if (!out.has(a.member)) out.set(a.member, undefined);
  return out;
}

async function loadClusters(): Promise<Cluster[]> {
  const out: Cluster[] = [];
  for (const name of fixtureNames()) {
    const rec = loadFixture(name);
    const { first, second } = await replayPolls(rec, new AbortController().signal);
    const reads = latestReads(first.reads, second.reads);
    // the recordings hold no volume or revision reads: the volume fixtures and the snapshot's
    // revision stand in (one member ahead of the snapshot, the others not read)
    const [n0] = rec.nodes;
    if (n0 !== undefined) {
      for (const [i, node] of rec.nodes.entries()) {
        const rows = (VOLUMES[i % VOLUMES.length] ?? []).map((v) => ({ ...v, node }));
        reads.volume[node] = { ok: true, value: rows };
      }
      if (SNAPSHOT.ok) reads.revision[n0] = { ok: true, value: SNAPSHOT.value.revision + 7 };
    }
    out.push({ name, nodes: rec.nodes, reads, members: membersOf(reads, rec.nodes) });
  }
  return out;
}

/** Every argument set of a check worth asking on this cluster. */
function checkArgs(name: CheckName, c: Cluster): CheckArgs[] {
  const nodes = c.nodes;
  const ids = [...c.members.keys(), 'deadbeefdeadbeef'];
  const each = <T>(xs: readonly T[], f: (x: T) => CheckArgs[]) => xs.flatMap(f);
  switch (name) {
    case 'alarm-active':
      return ['NOSPACE', 'CORRUPT'].map((alarm) => ({ nodes, alarm }));
    case 'members-count':
      return [3, 5].map((count) => ({ nodes, count }));
    case 'member-present':
    case 'member-absent':
    case 'quorum-safe-to-remove':
      return ids.map((member) => ({ nodes, member }));
    case 'member-healthy':
      return each(nodes, (node) => [
        { node, nodes },
        { node, nodes, ignoreAlarm: 'NOSPACE', maxLag: 0 },
      ]);
    case 'raft-converged':
      return [{ nodes }, { nodes, maxSpread: 0, polls: 1 }, { nodes, polls: 1 }];
    case 'db-in-use-ratio':
      return [{ nodes }, { nodes, min: 90 }, { nodes, max: 50 }];
    case 'db-size-dropped':
      return each(nodes, (node) => [
        { node, nodes },
        { node, nodes, maxPercent: 99 },
      ]);
    case 'quorum-safe-to-disrupt':
      return each(nodes, (node) => ['member', 'leadership', 'node'].map((mode) => ({ node, nodes, mode })));
    case 'service-state':
      return [
        { nodes, state: 'Running' },
        { nodes, state: 'Running', health: 'OK' },
        { nodes, state: 'Finished' },
      ];
    case 'quorum-lost':
      return [{ nodes }, { nodes, allAnswer: true }, { nodes, voters: nodes.length }, { nodes, voters: 5 }];
    case 'flag-set':
      return [{ value: true }, { value: false }];
    case 'snapshot-verified':
      return [{ path: 'db.snapshot' }, { path: 'db.snapshot', nodes }];
    default:
      return [{ nodes }];
  }
}

function observationArgs(name: ObservationName, c: Cluster): CheckArgs[] {
  const nodes = c.nodes;
  switch (name) {
    case 'member-of-node':
    case 'etcd-volume':
      return nodes.map((node) => ({ node, nodes }));
    case 'lagging-member':
      return [{ nodes }, { nodes, maxLag: 0 }];
    case 'reachable-node':
      return [{ nodes }, ...nodes.map((prefer) => ({ nodes, prefer }))];
    case 'preflight':
      return [{ nodes }, { nodes, maxSkewMs: 0 }];
    default:
      return [{ nodes }];
  }
}

const snapshotFacts = (): SnapshotFacts | undefined =>
  SNAPSHOT.ok
    ? {
        path: 'db.snapshot',
        stat: { bytes: SNAPSHOT.value.bytes },
        status: {
          hash: SNAPSHOT.value.hash,
          revision: SNAPSHOT.value.revision,
          totalKeys: SNAPSHOT.value.totalKeys,
          totalSize: SNAPSHOT.value.totalSize,
        },
      }
    : undefined;

function sentencesOf(c: Cluster): Sentence[] {
  const out: Sentence[] = [];
  for (const name of Object.keys(CHECKS) as CheckName[])
    for (const args of checkArgs(name, c)) {
      const v = CHECK_IMPLS[name].evaluate({ reads: c.reads, snapshot: snapshotFacts() }, args);
      const unanswered = v.observed.unanswered;
      const unseen =
        v.verdict === 'unknown' && typeof unanswered === 'object' && unanswered !== null && !Array.isArray(unanswered)
          ? Object.keys(unanswered)
          : [];
      out.push({
        where: `${c.name}: ${name} ${v.verdict} ${JSON.stringify(args)}`,
        text: v.summary,
        member: typeof args.member === 'string' ? args.member : undefined,
        node: typeof args.node === 'string' ? args.node : undefined,
        unseen,
      });
    }
  for (const name of Object.keys(OBSERVATIONS) as ObservationName[])
    for (const args of observationArgs(name, c)) {
      const d = OBSERVATION_IMPLS[name].derive(c.reads, args);
      out.push({
        where: `${c.name}: read ${name} ${d.ok ? 'ok' : 'none'} ${JSON.stringify(args)}`,
        text: d.ok ? d.summary : d.reason,
        node: typeof args.node === 'string' ? args.node : undefined,
        unseen: [],
      });
    }
  return out;
}

/** Words before "member" that make it no particular member: "no member", "every member", … */
const QUANTIFIED = /\b(?:no|every|each|any|either|which|one|other|voting|listed)\s+(?:\w+\s+)?$/i;
/** An id, or a member no read names, said so: "the member on 10.0.0.3 (id not seen)". */
const HEX_ID = /^(?: [0-9a-f]{16}\b| on \S+ \(id not seen\))/;

/** The mentions of "member" (one member, not the member list) that name no member id. */
function unnamedMembers(text: string): string[] {
  const out: string[] = [];
  for (const m of text.matchAll(/\bmember\b(?!s\b|'s\b| lists?\b| ids?\b| count\b)/gi)) {
    const at = m.index ?? 0;
    const after = text.slice(at + m[0].length);
    if (HEX_ID.test(after)) continue;
    if (QUANTIFIED.test(text.slice(Math.max(0, at - 24), at))) continue;
    out.push(text.slice(Math.max(0, at - 30), at + 40));
  }
  return out;
}

/** The hex member ids of a sentence whose node the reads know, but the sentence does not name. */
function idsWithoutNode(text: string, members: Map<string, string | undefined>): string[] {
  return [...members]
    .filter(([id, node]) => text.includes(id) && node !== undefined && !text.includes(node))
    .map(([id, node]) => `${id} (runs on ${node})`);
}

function decimalIds(text: string, members: Map<string, string | undefined>): string[] {
  const dec = [...members.keys()].map((id) => BigInt(`0x${id}`).toString(10)).filter((d) => text.includes(d));
  return [...dec, ...[...text.matchAll(/(?<![\d.,])\d{15,20}(?![\d.,])/g)].map((m) => m[0])];
}

describe('check and observation sentences on every recorded cluster state', () => {
  let clusters: Cluster[] = [];
  let all: { c: Cluster; s: Sentence }[] = [];
  beforeAll(async () => {
    clusters = await loadClusters();
    all = clusters.flatMap((c) => sentencesOf(c).map((s) => ({ c, s })));
  }, 120_000);

  it('evaluates every check and observation of the catalog on every fixture', () => {
    expect(clusters.length).toBeGreaterThanOrEqual(20);
    for (const name of [...Object.keys(CHECKS), ...Object.keys(OBSERVATIONS)])
      expect(
        all.some(({ s }) => s.where.includes(`: ${name} `) || s.where.includes(`read ${name} `)),
        name,
      ).toBe(true);
    // the fixtures hold uint64 ids whose decimal form the status errors print: the attack has teeth
    expect(all.some(({ c }) => c.reads.status && JSON.stringify(c.reads.status).includes('memberID:'))).toBe(true);
  });

  it('names no member id in decimal', () => {
    const bad = all.flatMap(({ c, s }) => decimalIds(s.text, c.members).map((d) => `${s.where}: ${d} in "${s.text}"`));
    expect(bad).toEqual([]);
  });

  it('names every member by its hex id, never "the member" alone', () => {
    const bad = all.flatMap(({ s }) => unnamedMembers(s.text).map((u) => `${s.where}: …${u}…`));
    expect(bad).toEqual([]);
  });

  it('names the node of every member id it gives, when the reads say where it runs', () => {
    const bad = all.flatMap(({ c, s }) =>
      idsWithoutNode(s.text, c.members).map((u) => `${s.where}: ${u} in "${s.text}"`),
    );
    expect(bad).toEqual([]);
  });

  it('names the member and the node it was asked about', () => {
    const bad = all.flatMap(({ s }) => [
      ...(s.member !== undefined && !s.text.includes(s.member) ? [`${s.where}: no ${s.member} in "${s.text}"`] : []),
      ...(s.node !== undefined && !s.text.includes(s.node) ? [`${s.where}: no ${s.node} in "${s.text}"`] : []),
    ]);
    expect(bad).toEqual([]);
  });

  it('names every node it did not see when it cannot tell', () => {
    const bad = all.flatMap(({ s }) =>
      s.unseen.filter((n) => !s.text.includes(n)).map((n) => `${s.where}: ${n} not named in "${s.text}"`),
    );
    expect(bad).toEqual([]);
  });
});

describe('the numbers a sentence is about, and a choice answered', () => {
  let clusters: Cluster[] = [];
  beforeAll(async () => {
    clusters = await loadClusters();
  }, 120_000);
  const on = (name: string): Cluster => {
    const c = clusters.find((x) => x.name === name);
    if (c === undefined) throw new Error(`no fixture ${name}`);
    return c;
  };

  it('says how far a member is behind, in raft indexes, and behind which leader on which node', () => {
    const c = on('derived-lagging');
    const v = CHECK_IMPLS['member-healthy'].evaluate({ reads: c.reads }, { node: '127.0.0.83', nodes: c.nodes });
    expect(v.verdict).toBe('fail');
    expect(v.summary).toBe(
      "member f01967dd4c9d5919 on 127.0.0.83 is 1,800 entries behind leader 750f82d0bd760ee4 on 127.0.0.81 (raft index 3,912, the leader's 5,712; at most 100 allowed)",
    );
    const r = CHECK_IMPLS['raft-converged'].evaluate({ reads: c.reads }, { nodes: c.nodes, polls: 1 });
    expect(r.summary).toBe(
      'raft index spread is 1,800 (> 50): member f01967dd4c9d5919 on 127.0.0.83 at 3,912 … member c93b2f5fc7348e76 on 127.0.0.82 at 5,712',
    );
  });

  it("shows etcd's decimal alarm member in hex, with its node", () => {
    const c = on('nospace');
    const v = CHECK_IMPLS['member-healthy'].evaluate({ reads: c.reads }, { node: '127.0.0.82', nodes: c.nodes });
    expect(JSON.stringify(c.reads.status)).toContain('memberID:8435104460131667684 alarm:NOSPACE');
    expect(v.summary).toBe(
      'member c93b2f5fc7348e76 on 127.0.0.82 reports alarm:NOSPACE (member 750f82d0bd760ee4 on 127.0.0.81)',
    );
  });

  it('answers the questions the choices after lost-member ask: does its node answer, is it the leader', () => {
    const d = OBSERVATION_IMPLS['lost-member'].derive(on('lose').reads, { nodes: on('lose').nodes });
    expect(d.ok && d.summary).toBe(
      'member f01967dd4c9d5919 on 127.0.0.83 does not answer (service etcd on 127.0.0.83 is Preparing, health ?); 127.0.0.83 still answers talosctl; it is not the leader (leader 750f82d0bd760ee4 on 127.0.0.81)',
    );
  });
});

describe('the sentence rules themselves', () => {
  it('catch a member without its id and let a quantified one pass', () => {
    expect(unnamedMembers('the member on 10.0.0.3 does not answer')).toHaveLength(1);
    expect(unnamedMembers('a member not seen may be larger')).toHaveLength(1);
    expect(unnamedMembers('member 8e9e05c52164694d on 10.0.0.3 is healthy')).toEqual([]);
    expect(unnamedMembers('the member on 10.0.0.3 (id not seen) does not answer')).toEqual([]);
    expect(unnamedMembers('no member is a learner; every listed member answers; the member list of 10.0.0.3')).toEqual(
      [],
    );
  });
});
