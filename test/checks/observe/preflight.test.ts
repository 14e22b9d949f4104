import { describe, expect, it } from 'vitest';
import {
  certificateFinding,
  preflight,
  skewFinding,
  versionFinding,
  voterFinding,
} from '../../../src/checks/observe/preflight.js';
import type { Answers, Failed } from '../../../src/checks/view.js';
import type { Member, MemberStatus } from '../../../src/talos/observations.js';
import { derivedOf } from '../../helpers/check-reads.js';
import { FAILED, healthyCluster, memberOf, NODES, node } from '../../helpers/fake-cluster.js';

const nodes = [...NODES];
const [A, B, C] = NODES;
const fail = (n: string, f: Omit<Failed, 'node'>): Failed => ({ node: n, ...f });
const TIMEOUT = { reason: 'talosctl timed out', unreachable: true, cause: 'timeout' } as const;
const CERT = { reason: FAILED.certificate.reason, unreachable: false, cause: 'certificate' } as const;

function lists(count: number, learners = 0): Answers<Member[]> {
  const c = healthyCluster();
  const all = Array.from({ length: count }, (_, i) => ({
    ...memberOf(node(c, A)),
    id: i.toString(16).padStart(16, '0'),
    learner: i < learners,
  }));
  return { answered: [{ node: A, value: all }], failed: [] };
}
const clocks = (...offsets: number[]): Answers<{ node: string; offsetMs: number }[]> => ({
  answered: offsets.map((offsetMs, i) => ({ node: nodes[i] ?? '', value: [{ node: nodes[i] ?? '', offsetMs }] })),
  failed: [],
});
function rows(...versions: [string | undefined, string | undefined][]): Answers<MemberStatus[]> {
  return {
    answered: versions.map(([protocol, storage], i) => ({
      node: nodes[i] ?? '',
      value: [
        {
          node: nodes[i] ?? '',
          member: `${i}`.padStart(16, '0'),
          dbSizeBytes: 1,
          inUseBytes: 1,
          inUsePercent: 100,
          leader: '0000000000000000',
          raftIndex: 1,
          raftTerm: 1,
          raftAppliedIndex: 1,
          learner: false,
          protocol,
          storage,
          errors: [],
        },
      ],
    })),
    failed: [],
  };
}

describe('voterFinding', () => {
  it('an odd voter count is no risk; an even one is, with what losing a member costs', () => {
    expect(voterFinding(lists(3))).toEqual({ warn: false, text: '3 voting member(s), quorum 2.' });
    expect(voterFinding(lists(2))).toEqual({
      warn: true,
      text: '2 voting members, an even count: quorum is 2, so losing 1 stops etcd — no more failures tolerated than with 1 (losing either member loses quorum); run an odd number of control plane nodes.',
    });
    expect(voterFinding(lists(4)).text).toBe(
      '4 voting members, an even count: quorum is 3, so losing 2 stops etcd — no more failures tolerated than with 3; run an odd number of control plane nodes.',
    );
  });

  it('counts no learner, and says when no list was read', () => {
    expect(voterFinding(lists(3, 1)).warn).toBe(true);
    expect(voterFinding({ answered: [], failed: [fail(A, TIMEOUT)] })).toEqual({
      warn: false,
      text: `Voter count not known: ${A} did not answer (talosctl timed out).`,
    });
  });
});

describe('skewFinding', () => {
  it('warns beyond maxSkew between the fastest and slowest clock; exactly at it is no risk', () => {
    expect(skewFinding(clocks(0, 300, 500), 500)).toEqual({ warn: false, text: 'Clock skew 500 ms across 3 nodes.' });
    expect(skewFinding(clocks(-400, 0, 200), 500)).toEqual({
      warn: true,
      text: `Clock skew 600 ms between ${C} (ahead) and ${A} (over 500 ms): etcd leases and raft timing suffer; check time sync (talosctl get timestatus).`,
    });
  });

  it('measures nothing from fewer than two clocks, and names the clocks not read', () => {
    const one = clocks(100);
    one.failed.push(fail(B, TIMEOUT));
    expect(skewFinding(one, 500)).toEqual({
      warn: false,
      text: `Clock skew not measured (fewer than two clocks read). Clock not read: ${B} did not answer (talosctl timed out).`,
    });
  });

  it("takes each node's own clock, or the only row when talosctl printed no node", () => {
    const t: Answers<{ node: string; offsetMs: number }[]> = {
      answered: [
        { node: A, value: [{ node: '', offsetMs: 0 }] },
        {
          node: B,
          value: [
            { node: C, offsetMs: 9000 },
            { node: B, offsetMs: 10 },
          ],
        },
      ],
      failed: [],
    };
    expect(skewFinding(t, 500).text).toBe('Clock skew 10 ms across 2 nodes.');
  });
});

describe('certificateFinding', () => {
  it('names each node with a TLS certificate failure once, across every read; nothing else counts', () => {
    expect(certificateFinding([{ answered: [], failed: [fail(A, TIMEOUT)] }])).toEqual({ warn: false, text: '' });
    const f = certificateFinding([
      { answered: [], failed: [fail(B, CERT), fail(C, CERT)] },
      { answered: [], failed: [fail(B, CERT)] },
    ]);
    expect(f).toEqual({
      warn: true,
      text: `TLS certificate problem talking to ${B} and ${C}: fix the talosconfig (CA, client certificate), the endpoint, or the node certificate SANs; this says nothing about etcd.`,
    });
  });
});

describe('versionFinding', () => {
  it('one version, a mix, none printed, none read', () => {
    expect(versionFinding(rows(['3.6.4', '3.6.0'], ['3.6.4', '3.6.0']))).toEqual({
      warn: false,
      text: 'etcd 3.6.4 (storage 3.6.0) on every member read.',
    });
    expect(versionFinding(rows(['3.6.4', '3.6.0'], ['3.6.4', '3.6.0'], ['3.5.16', undefined]))).toEqual({
      warn: true,
      text: `Mixed etcd versions: 3.6.4 (storage 3.6.0) on ${A} and ${B}; 3.5.16 (storage ?) on ${C} — finish or roll back the upgrade before recovery steps.`,
    });
    expect(versionFinding(rows([undefined, undefined]))).toEqual({
      warn: false,
      text: 'etcd versions not printed (talosctl before 1.11 has no PROTOCOL/STORAGE columns).',
    });
    expect(versionFinding({ answered: [], failed: [] })).toEqual({ warn: false, text: 'etcd versions not read.' });
  });
});

describe('preflight', () => {
  it('is clean only with no risk and every node read; it always answers (a report, never a stop)', async () => {
    const c = healthyCluster();
    expect(await derivedOf(preflight, c, { nodes })).toEqual({
      ok: true,
      outputs: {
        warnings: 0,
        clean: true,
        report:
          '3 voting member(s), quorum 2. Clock skew 0 ms across 3 nodes. etcd 3.6.4 (storage 3.6.0) on every member read.',
      },
      summary:
        'no risk found. 3 voting member(s), quorum 2. Clock skew 0 ms across 3 nodes. etcd 3.6.4 (storage 3.6.0) on every member read.',
    });
    node(c, C).fail = { time: FAILED.timeout };
    expect(await derivedOf(preflight, c, { nodes })).toMatchObject({
      ok: true,
      outputs: { warnings: 0, clean: false },
    });
  });

  it('counts each risk, marks it WARNING, and takes maxSkewMs', async () => {
    const c = healthyCluster();
    node(c, C).clockOffsetMs = 800;
    const r = await derivedOf(preflight, c, { nodes });
    expect(r).toMatchObject({ ok: true, outputs: { warnings: 1, clean: false } });
    expect(r.ok && r.summary).toMatch(
      /^1 risk\(s\) found\. 3 voting member\(s\), quorum 2\. WARNING: Clock skew 800 ms between/,
    );
    expect(await derivedOf(preflight, c, { nodes, maxSkewMs: 800 })).toMatchObject({
      outputs: { warnings: 0, clean: true },
    });
  });
});
