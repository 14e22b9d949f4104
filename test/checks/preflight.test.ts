import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { gatherObservation } from '../../src/checks/observe/index.js';
import { failedRead } from '../../src/checks/read-cause.js';
import { toNodeOutcome } from '../../src/talos/outcome.js';
import { parseTime } from '../../src/talos/parse/time.js';
import { FAILED, fakeReader, healthyCluster, IDS, NODES, node } from '../helpers/fake-cluster.js';

const nodes = [...NODES];
const [A, B, C] = NODES;
const FIX = join(import.meta.dirname, '../../fixtures/talosctl');

async function preflight(c = healthyCluster(), args = {}) {
  const r = (await gatherObservation('preflight', fakeReader(c), { nodes, ...args })).result;
  if (!r.ok) throw new Error(r.reason);
  return r;
}

describe('preflight: risks from field incidents, reported before a change', () => {
  it('a healthy three-member cluster: no risk, clean', async () => {
    const r = await preflight();
    expect(r.outputs).toMatchObject({ warnings: 0, clean: true });
    expect(r.outputs.report).toMatch(/3 voting member\(s\), quorum 2\./);
    expect(r.outputs.report).toMatch(/etcd 3\.6\.4 \(storage 3\.6\.0\) on every member read/);
  });

  it('an even member count is warned (2: losing either loses quorum)', async () => {
    const c = healthyCluster();
    c.nodes.pop();
    const r = await preflight(c, { nodes: [A, B] });
    expect(r.outputs.warnings).toBe(1);
    expect(r.outputs.report).toMatch(/WARNING: 2 voting members, an even count: quorum is 2, so losing 1 stops etcd/);
    expect(r.outputs.report).toMatch(/losing either member loses quorum/);
  });

  it('a learner does not count as a voter', async () => {
    const c = healthyCluster();
    node(c, C).learner = true;
    const r = await preflight(c);
    expect(r.outputs.report).toMatch(/2 voting members, an even count/);
  });

  it('clock skew beyond the threshold names the nodes; under it, says how much', async () => {
    const c = healthyCluster();
    node(c, B).clockOffsetMs = 2770.243;
    node(c, C).clockOffsetMs = -13.21;
    const r = await preflight(c);
    expect(r.outputs.report).toMatch(/WARNING: Clock skew 2783 ms between 127\.0\.0\.12 \(ahead\) and 127\.0\.0\.13/);
    const tight = await preflight(c, { maxSkewMs: 5000 });
    expect(tight.outputs.warnings).toBe(0);
    expect(tight.outputs.report).toMatch(/Clock skew 2783 ms across 3 nodes\./);
  });

  it('the real five-node skew of siderolabs/talos#7080 is 140 ms: under the default threshold', () => {
    const p = parseTime(readFileSync(join(FIX, 'v1.13/time/five-nodes-skew/stdout.txt'), 'utf8'));
    expect(p.ok).toBe(true);
    if (!p.ok) return;
    const offs = p.value.map((t) => t.offsetMs);
    expect(Math.max(...offs) - Math.min(...offs)).toBeCloseTo(140.415, 3);
  });

  it('a certificate failure is named as such, never as a node down', async () => {
    const c = healthyCluster();
    node(c, C).fail = { members: FAILED.certificate, status: FAILED.certificate, time: FAILED.certificate };
    const r = await preflight(c);
    expect(r.outputs).toMatchObject({ clean: false });
    expect(r.outputs.report).toMatch(/WARNING: TLS certificate problem talking to 127\.0\.0\.13: fix the talosconfig/);
    expect(r.outputs.report).not.toMatch(/did not answer/);
  });

  it('a mix of etcd versions is flagged; a talosctl without the columns says so', async () => {
    const c = healthyCluster();
    const r0 = fakeReader(c);
    const reader = {
      ...r0,
      status: async (n: string) => {
        const s = await r0.status(n);
        if (s.ok && n === A)
          return { ...s, value: s.value.map((x) => ({ ...x, protocol: '3.5.16', storage: '3.5.0' })) };
        return s;
      },
    };
    const r = (await gatherObservation('preflight', reader, { nodes })).result;
    expect(r.ok && r.outputs.report).toMatch(
      /WARNING: Mixed etcd versions: 3\.5\.16 \(storage 3\.5\.0\) on 127\.0\.0\.11; 3\.6\.4/,
    );
    const old = {
      ...r0,
      status: async (n: string) => {
        const s = await r0.status(n);
        return s.ok ? { ...s, value: s.value.map((x) => ({ ...x, protocol: undefined, storage: undefined })) } : s;
      },
    };
    const o = (await gatherObservation('preflight', old, { nodes })).result;
    expect(o.ok && o.outputs.report).toMatch(/talosctl before 1\.11 has no PROTOCOL\/STORAGE columns/);
  });

  it('nodes that do not answer leave it a report (never a stop), not clean', async () => {
    const c = healthyCluster();
    for (const n of c.nodes) n.reach = 'refused';
    const r = await preflight(c);
    expect(r.outputs).toMatchObject({ warnings: 0, clean: false });
    expect(r.outputs.report).toMatch(/Voter count not known/);
  });
});

describe('etcd-volume: what a reset must wipe to clear etcd data', () => {
  const volume = async (c = healthyCluster(), at: string = A) =>
    (await gatherObservation('etcd-volume', fakeReader(c), { node: at })).result;

  it('a directory under EPHEMERAL: wipe EPHEMERAL', async () => {
    expect(await volume()).toMatchObject({ ok: true, outputs: { labels: 'EPHEMERAL', dedicated: false } });
  });

  it('a dedicated ETCD partition (Talos 1.14): wipe EPHEMERAL and ETCD, and say why', async () => {
    const c = healthyCluster();
    node(c, B).etcdVolume = 'partition';
    const r = await volume(c, B);
    expect(r).toMatchObject({ ok: true, outputs: { labels: 'EPHEMERAL,ETCD', dedicated: true } });
    expect(r.ok && r.outputs.layout).toMatch(/wiping EPHEMERAL alone would leave it/);
  });

  it('NotFound (a Talos without an ETCD volume) is EPHEMERAL; the recorded error reads as not-found', async () => {
    const stderr = readFileSync(join(FIX, 'v1.13/volume-status/not-found/stderr.txt'), 'utf8');
    const read = failedRead(
      toNodeOutcome({
        argv: [],
        binary: 'talosctl',
        node: A,
        pid: 1,
        exitCode: 1,
        signal: null,
        stdout: '',
        stderr,
        durationMs: 5,
        timedOut: false,
        canceled: false,
      }),
    );
    expect(read.cause).toBe('not-found');
    const c = healthyCluster();
    node(c, A).fail = { volume: read };
    expect(await volume(c)).toMatchObject({ ok: true, outputs: { labels: 'EPHEMERAL', dedicated: false } });
  });

  it('a node that does not answer names no labels: a wipe that misses etcd data brings the old member back', async () => {
    const c = healthyCluster();
    node(c, A).reach = 'refused';
    const r = await volume(c);
    expect(r.ok).toBe(false);
    expect(!r.ok && r.reason).toMatch(/cannot tell where 127\.0\.0\.11 keeps etcd data/);
    expect(IDS.length).toBe(3);
  });
});
