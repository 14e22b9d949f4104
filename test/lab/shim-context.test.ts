import { describe, expect, it } from 'vitest';
import {
  clusterEndpoints,
  etcdRefused,
  finish,
  flag,
  flagBool,
  localEtcd,
  machine,
  NodeError,
  perNode,
  profileOf,
} from '../../src/lab/shim-context.js';
import { fakeLab, shimCtx } from '../helpers/lab-files.js';

/**
 * What every shim command shares: flags as talosctl reads them, which node failures a machine
 * that is off or an etcd that is not running give, and how a multi-node call's failures are
 * reported per Talos version (texts from talosctl; see fixtures/talosctl/ and docs/lab.md).
 */
const refused = (ip: string) =>
  `rpc error: code = Unavailable desc = connection error: desc = "transport: Error while dialing: dial tcp ${ip}:50000: connect: connection refused"`;

describe('flag and flagBool', () => {
  it('the last of a repeated flag wins; an absent one is undefined', () => {
    const { dir, lab } = fakeLab();
    const ctx = shimCtx(dir, lab, [], [], { tail: ['5', '7'] });
    expect(flag(ctx, 'tail')).toBe('7');
    expect(flag(ctx, 'output')).toBeUndefined();
  });

  it('a bool flag is its default when absent, false only when spelled false', () => {
    const { dir, lab } = fakeLab();
    const ctx = shimCtx(dir, lab, [], [], { graceful: ['false'], reboot: ['true'], wait: ['0'] });
    expect(flagBool(ctx, 'graceful', true)).toBe(false);
    expect(flagBool(ctx, 'reboot', false)).toBe(true);
    expect(flagBool(ctx, 'wait', false)).toBe(true); // any value but "false" sets it
    expect(flagBool(ctx, 'debug', true)).toBe(true);
    expect(flagBool(ctx, 'debug', false)).toBe(false);
  });
});

describe('machine and localEtcd', () => {
  it('a node of the lab that is up gives its record', () => {
    const { dir, lab } = fakeLab({ nodes: [{ mode: 'stopped' }, {}] });
    expect(machine(shimCtx(dir, lab, []), '127.0.0.121')).toMatchObject({ name: 'lab-cp-1', mode: 'stopped' });
  });

  it("a machine that is off, or an address that is no lab node, fails as apid's connection refused", () => {
    const { dir, lab } = fakeLab({ nodes: [{ mode: 'down' }, {}] });
    const ctx = shimCtx(dir, lab, []);
    expect(() => machine(ctx, '127.0.0.121')).toThrow(new NodeError(refused('127.0.0.121')));
    expect(() => machine(ctx, '127.0.0.130')).toThrow(new NodeError(refused('127.0.0.130')));
  });

  it('an etcd that is stopped, failed, joining or has no live process is refused on 2379', () => {
    const { dir, lab } = fakeLab({ nodes: [{ mode: 'stopped' }, { mode: 'join' }, { mode: 'run', pid: null }] });
    const ctx = shimCtx(dir, lab, []);
    expect(etcdRefused).toBe(
      'rpc error: code = Unavailable desc = connection error: desc = "transport: Error while dialing: dial tcp 127.0.0.1:2379: connect: connection refused"',
    );
    for (const ip of ['127.0.0.121', '127.0.0.122', '127.0.0.123'])
      expect(() => localEtcd(ctx, ip)).toThrow(new NodeError(etcdRefused));
  });

  it('a live pid that is not this member (its data dir is not in its command line) is not its etcd', () => {
    const { dir, lab } = fakeLab({ nodes: [{ mode: 'run', pid: process.pid }] });
    expect(() => localEtcd(shimCtx(dir, lab, []), '127.0.0.121')).toThrow(new NodeError(etcdRefused));
  });
});

describe('clusterEndpoints', () => {
  it('none when no member runs; the node asked about first even then', () => {
    const { dir, lab } = fakeLab({ nodes: [{ mode: 'run', pid: null }, { mode: 'down' }, { mode: 'stopped' }] });
    const ctx = shimCtx(dir, lab, []);
    expect(clusterEndpoints(ctx)).toEqual([]);
    expect(clusterEndpoints(ctx, '127.0.0.122')).toEqual(['http://127.0.0.122:2379']);
  });
});

describe('perNode', () => {
  it('keeps node order, counts the answers, and names each failure by node', async () => {
    const { dir, lab } = fakeLab();
    const ctx = shimCtx(dir, lab, ['127.0.0.123', '127.0.0.121', '127.0.0.122']);
    const r = await perNode(ctx, async (node) => {
      if (node === '127.0.0.121') throw new NodeError('rpc error: code = Unknown desc = x');
      if (node === '127.0.0.122') throw new Error('plain failure');
      // rows come in -n order, not in the order the nodes answered
      await new Promise((res) => setTimeout(res, node === '127.0.0.123' ? 30 : 0));
      return [`${node}\trow1`, `${node}\trow2`];
    });
    expect(r.rows).toEqual(['127.0.0.123\trow1', '127.0.0.123\trow2']);
    expect(r.errors).toEqual({
      answered: 1,
      list: [
        { node: '127.0.0.121', message: 'rpc error: code = Unknown desc = x' },
        { node: '127.0.0.122', message: 'plain failure' },
      ],
    });
  });

  it('a thrown non-Error is its string', async () => {
    const { dir, lab } = fakeLab();
    const r = await perNode(shimCtx(dir, lab, ['127.0.0.121']), async () => {
      throw 'bare';
    });
    expect(r.errors).toEqual({ answered: 0, list: [{ node: '127.0.0.121', message: 'bare' }] });
  });
});

describe('finish and profileOf', () => {
  const one = { list: [{ node: '127.0.0.122', message: 'boom' }], answered: 1 };

  it('1.14 (the default): error from node, exit 1 even when another node answered', () => {
    const { dir, lab } = fakeLab();
    expect(profileOf({ lab }).tag).toBe('v1.14.0');
    const ctx = shimCtx(dir, lab, []);
    expect(finish(ctx, one, 'error getting members')).toBe(1);
    expect(ctx.io.stderr()).toBe('error from node 127.0.0.122: boom\n');
  });

  it('≤ 1.13: a warning and exit 0 while a node answered; the verb and exit 1 when none did', () => {
    const { dir, lab } = fakeLab({ talosVersion: '1.10' });
    const warn = shimCtx(dir, lab, []);
    expect(finish(warn, one, 'error getting members')).toBe(0);
    expect(warn.io.stderr()).toBe('WARNING: 1 error occurred:\n\t* 127.0.0.122: boom\n\n');
    const none = shimCtx(dir, lab, []);
    expect(finish(none, { ...one, answered: 0 }, 'error getting members')).toBe(1);
    expect(none.io.stderr()).toBe('error getting members: 1 error occurred:\n\t* 127.0.0.122: boom\n\n');
  });

  it('no failure: exit 0 and nothing printed', () => {
    const { dir, lab } = fakeLab({ talosVersion: '1.8' });
    const ctx = shimCtx(dir, lab, []);
    expect(finish(ctx, { list: [], answered: 0 }, 'x')).toBe(0);
    expect(ctx.io.stderr()).toBe('');
  });

  it('a dedicated etcd volume is a partition only where the lab says so', () => {
    const { lab } = fakeLab({ talosVersion: '1.14', dedicatedEtcd: true });
    expect(profileOf({ lab }).etcdVolume).toBe('partition');
    expect(profileOf({ lab: { ...lab, dedicatedEtcd: false } }).etcdVolume).toBe('directory');
  });
});
