import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { etcdRefused } from '../../src/lab/shim-context.js';
import {
  etcdAlarmDisarm,
  etcdAlarmList,
  etcdDefrag,
  etcdForfeitLeadership,
  etcdLeave,
  etcdMembers,
  etcdRemoveMember,
  etcdSnapshot,
  etcdStatus,
} from '../../src/lab/shim-etcd.js';
import { fakeLab, shimCtx } from '../helpers/lab-files.js';

/**
 * `talosctl etcd …` of the lab shim where no etcd answers: which error each command gives for a
 * machine that is off or an etcd that is not running, the headers printed with no row per Talos
 * version, and remove-member's id parsing. No etcd is started (every record's pid is null, so
 * no etcdctl is run either); the answers of a live etcd are the lab suite's
 * (test/integration/shim-parsers.test.ts).
 */
const header = (path: string): string =>
  `${readFileSync(join('fixtures/talosctl', path), 'utf8').split('\n')[0] ?? ''}`.replace(/ +$/, '');
const apid = (ip: string) =>
  `rpc error: code = Unavailable desc = connection error: desc = "transport: Error while dialing: dial tcp ${ip}:50000: connect: connection refused"`;

describe('etcd members / status with no member answering', () => {
  it('1.14 prints the header alone, then each node error, exit 1 (fixture: members/header-only-no-leader)', async () => {
    const { dir, lab } = fakeLab({ nodes: [{ mode: 'down' }, { mode: 'stopped' }] });
    const ctx = shimCtx(dir, lab, ['127.0.0.121', '127.0.0.122']);
    expect(await etcdMembers(ctx)).toBe(1);
    expect(ctx.io.stdout()).toBe(`${header('v1.14/members/header-only-no-leader/stdout.txt')}\n`);
    expect(ctx.io.stderr()).toBe(
      `error from node 127.0.0.121: ${apid('127.0.0.121')}\nerror from node 127.0.0.122: ${etcdRefused}\n`,
    );
  });

  it('≤ 1.13 prints no header without a row, and the verb with the errors', async () => {
    const { dir, lab } = fakeLab({ nodes: [{ mode: 'join' }], talosVersion: '1.13' });
    const m = shimCtx(dir, lab, ['127.0.0.121']);
    expect(await etcdMembers(m)).toBe(1);
    expect(m.io.stdout()).toBe('');
    expect(m.io.stderr()).toBe(`error getting members: 1 error occurred:\n\t* 127.0.0.121: ${etcdRefused}\n\n`);
    const s = shimCtx(dir, lab, ['127.0.0.121']);
    expect(await etcdStatus(s)).toBe(1);
    expect(s.io.stdout()).toBe('');
    expect(s.io.stderr()).toMatch(/^error getting status: 1 error occurred:\n/);
  });

  it("1.14's header alone has PROTOCOL and STORAGE; 1.10 prints no header without a row", async () => {
    const { dir, lab } = fakeLab({ nodes: [{ mode: 'down' }] });
    const now = shimCtx(dir, lab, ['127.0.0.121']);
    await etcdStatus(now);
    expect(now.io.stdout()).toBe(
      'NODE   MEMBER   DB SIZE   IN USE   LEADER   RAFT INDEX   RAFT TERM   RAFT APPLIED INDEX   LEARNER   PROTOCOL   STORAGE   ERRORS\n',
    );
    const old = shimCtx(dir, { ...lab, talosVersion: '1.10' }, ['127.0.0.121', '127.0.0.122']);
    // a machine that is off and an address no lab node has: no row, so no header on 1.10
    expect(await etcdStatus(old)).toBe(1);
    expect(old.io.stdout()).toBe('');
  });
});

describe('alarm list / disarm', () => {
  it('print nothing on stdout without a row, even on 1.14, and prefix the failure as Talos', async () => {
    const { dir, lab } = fakeLab({ nodes: [{ mode: 'stopped' }] });
    const list = shimCtx(dir, lab, ['127.0.0.121']);
    expect(await etcdAlarmList(list)).toBe(1);
    expect(list.io.stdout()).toBe('');
    expect(list.io.stderr()).toBe(`error from node 127.0.0.121: ${etcdRefused}\n`);
    const disarm = shimCtx(dir, lab, ['127.0.0.121']);
    expect(await etcdAlarmDisarm(disarm)).toBe(1);
    expect(disarm.io.stdout()).toBe('');
  });
});

describe('single-node commands report their error bare', () => {
  it('snapshot: one path argument; a node whose etcd is not running cannot be read', async () => {
    const { dir, lab } = fakeLab({ nodes: [{ mode: 'stopped' }] });
    const none = shimCtx(dir, lab, ['127.0.0.121'], []);
    expect(await etcdSnapshot(none)).toBe(1);
    expect(none.io.stderr()).toBe('accepts 1 arg(s), received 0\n');
    const two = shimCtx(dir, lab, ['127.0.0.121'], ['a.db', 'b.db']);
    expect(await etcdSnapshot(two)).toBe(1);
    expect(two.io.stderr()).toBe('accepts 1 arg(s), received 2\n');
    const down = shimCtx(dir, lab, ['127.0.0.121'], ['a.db']);
    expect(await etcdSnapshot(down)).toBe(1);
    expect(down.io.stderr()).toBe(`error reading file: ${etcdRefused}\n`);
  });

  it('defrag and leave: no "error from node" prefix, their own wording', async () => {
    const { dir, lab } = fakeLab({ nodes: [{ mode: 'down' }] });
    const defrag = shimCtx(dir, lab, ['127.0.0.121']);
    expect(await etcdDefrag(defrag)).toBe(1);
    expect(defrag.io.stderr()).toBe(`${apid('127.0.0.121')}\n`);
    const leave = shimCtx(dir, lab, ['127.0.0.121']);
    expect(await etcdLeave(leave)).toBe(1);
    expect(leave.io.stderr()).toBe(
      `failed to leave cluster: failed to get local etcd member ID: ${apid('127.0.0.121')}\n`,
    );
  });
});

describe('remove-member', () => {
  it('takes one hex id of 1 to 16 digits, any case; refuses the rest as strconv.ParseUint', async () => {
    const { dir, lab } = fakeLab({ nodes: [{ mode: 'stopped' }] });
    const bad = async (args: string[]) => {
      const ctx = shimCtx(dir, lab, ['127.0.0.121'], args);
      return { code: await etcdRemoveMember(ctx), err: ctx.io.stderr() };
    };
    const parse = (a: string) =>
      `error parsing member ID: error parsing etcd member id: strconv.ParseUint: parsing "${a}": invalid syntax\n`;
    expect(await bad([])).toEqual({ code: 1, err: 'accepts 1 arg(s), received 0\n' });
    expect(await bad(['1', '2'])).toEqual({ code: 1, err: 'accepts 1 arg(s), received 2\n' });
    for (const a of ['0x8e9e05c52164694d', '8e9e05c52164694dA', 'xyz', '-1', ' 1'])
      expect(await bad([a])).toEqual({ code: 1, err: parse(a) });
    // a valid id goes on to the node: here its etcd is not running, so the node's error, not a parse error
    for (const a of ['8E9E05C52164694D', '8e9e05c52164694d', 'a'])
      expect(await bad([a])).toEqual({ code: 1, err: `error from node 127.0.0.121: ${etcdRefused}\n` });
  });
});

describe('forfeit-leadership', () => {
  it('every node that is off is one failure; on ≤ 1.13 with none answering, the verb', async () => {
    const { dir, lab } = fakeLab({ nodes: [{ mode: 'down' }, { mode: 'down' }], talosVersion: '1.8' });
    const ctx = shimCtx(dir, lab, ['127.0.0.121', '127.0.0.122']);
    expect(await etcdForfeitLeadership(ctx)).toBe(1);
    expect(ctx.io.stderr()).toBe(
      `error forfeiting leadership: 2 errors occurred:\n\t* 127.0.0.121: ${apid('127.0.0.121')}\n\t* 127.0.0.122: ${apid('127.0.0.122')}\n\n`,
    );
  });
});
