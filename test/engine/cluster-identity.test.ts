import { describe, expect, it } from 'vitest';
import { parseClusterIds, readClusterIdentity } from '../../src/engine/cluster-identity.js';
import { identityMismatch } from '../../src/engine/target.js';
import { isTalosDrError } from '../../src/io/errors.js';
import type { CommandResult, Talosctl } from '../../src/talos/talosctl.js';
import { F_IDS } from '../helpers/fake-talosctl.js';

// talosctl v1.x `get info -o json` for two nodes: Go's encoder, sorted keys, 4-space indent
const INFO = (node: string, id: string) =>
  `${JSON.stringify({ metadata: { id: 'current', namespace: 'cluster', type: 'Infos.cluster.talos.dev', version: 1 }, node, spec: { clusterId: id, clusterName: 'prod' } }, null, 4)}\n`;
const MEMBERS = `NODE       ID                 HOSTNAME   PEER URLS               CLIENT URLS             LEARNER
10.5.0.2   ${F_IDS[1]}   cp-2       https://10.5.0.3:2380   https://10.5.0.3:2379   false
10.5.0.2   ${F_IDS[0]}   cp-1       https://10.5.0.2:2380   https://10.5.0.2:2379   false
`;

function talosctl(answer: (node: string, cmd: string) => { code: number; out: string }): Talosctl {
  const res = (node: string, args: readonly string[]): CommandResult => {
    const a = answer(node, args.join(' '));
    return {
      argv: [...args],
      binary: 'fake',
      node,
      pid: 1,
      exitCode: a.code,
      signal: null,
      stdout: a.out,
      stderr: '',
      durationMs: 1,
      timedOut: false,
      canceled: false,
    };
  };
  return {
    binary: 'fake',
    run: async (node, args) => res(node, args),
    runEach: async (nodes, args) => nodes.map((n) => res(n, args)),
    clientVersion: () => Promise.reject(new Error('unused')),
  };
}

const NODES = ['10.5.0.2', '10.5.0.3'];

describe('the cluster identity the lock is keyed on', () => {
  it('parses every resource of talosctl get info -o json (concatenated objects, braces in strings)', () => {
    expect(parseClusterIds(INFO('10.5.0.2', 'abc=') + INFO('10.5.0.3', 'a}{"b'))).toEqual(['abc=', 'a}{"b']);
    expect(parseClusterIds('error: rpc error\n')).toEqual([]);
  });

  it('is the Talos cluster id, however many nodes answer; nodes of two clusters are refused (exit 4)', async () => {
    const one = await readClusterIdentity(
      talosctl((n, c) =>
        c.startsWith('get info') && n === '10.5.0.3' ? { code: 0, out: INFO(n, 'X=') } : { code: 1, out: '' },
      ),
      NODES,
      { endpoints: [] },
    );
    expect(one).toEqual({ source: 'talos-cluster-id', value: 'X=', readFrom: ['10.5.0.3'] });
    const two = readClusterIdentity(
      talosctl((n) => ({ code: 0, out: INFO(n, n === '10.5.0.2' ? 'X=' : 'Y=') })),
      NODES,
      { endpoints: [] },
    );
    await expect(two).rejects.toSatisfy((e) => isTalosDrError(e) && e.exitCode === 4);
    await expect(two).rejects.toThrow('10.5.0.2 → cluster id X=; 10.5.0.3 → cluster id Y=');
  });

  it('falls back to the sorted member ids, then to the addresses, each with a warning', async () => {
    const m = await readClusterIdentity(
      talosctl((_n, c) => (c === 'etcd members' ? { code: 0, out: MEMBERS } : { code: 1, out: '' })),
      NODES,
      { endpoints: [] },
    );
    expect(m).toMatchObject({ source: 'etcd-member-ids', value: [F_IDS[0], F_IDS[1]].sort().join(',') });
    expect(m.warning).toContain('change when a member is removed');
    const a = await readClusterIdentity(
      talosctl(() => ({ code: 1, out: '' })),
      ['10.5.0.3', '10.5.0.2'],
      { endpoints: ['10.5.0.2', '10.5.0.9'] },
    );
    expect(a).toMatchObject({ source: 'addresses', value: '10.5.0.2,10.5.0.3,10.5.0.9' });
    expect(a.warning).toContain('another run reaching the same cluster by other addresses is not stopped by it');
  });

  it('resume: the same cluster id, or member ids in common (members are removed mid-run)', () => {
    const id = (source: 'talos-cluster-id' | 'etcd-member-ids' | 'addresses', value: string) => ({ source, value });
    expect(identityMismatch(id('talos-cluster-id', 'X'), id('talos-cluster-id', 'X'))).toBeUndefined();
    expect(identityMismatch(id('talos-cluster-id', 'X'), id('talos-cluster-id', 'Y'))).toContain('answer Y');
    expect(identityMismatch(id('etcd-member-ids', 'a,b,c'), id('etcd-member-ids', 'a,b'))).toBeUndefined();
    expect(identityMismatch(id('etcd-member-ids', 'a,b'), id('etcd-member-ids', 'c'))).toBe(
      'the log was run against etcd-member-ids a,b; the nodes now answer c',
    );
    expect(identityMismatch(id('talos-cluster-id', 'X'), id('addresses', '10.5.0.2'))).toContain(
      'cannot confirm it is the same cluster',
    );
  });
});
