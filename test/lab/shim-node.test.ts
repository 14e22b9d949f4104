import { mkdirSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { bootstrap, goTimeString, logs, reset, service, time, version } from '../../src/lab/shim-node.js';
import { labPaths, readNode } from '../../src/lab/state.js';
import { fakeLab, shimCtx } from '../helpers/lab-files.js';

/**
 * The node-level talosctl commands of the lab shim, on a lab's state files with no etcd behind
 * them (every record's pid is null): the texts are compared with recorded talosctl output under
 * fixtures/talosctl/v1.14/ (its addresses swapped for the lab's), the state changes with what
 * docs/lab.md says each command does to a node.
 */
const fixture = (path: string): string => readFileSync(join('fixtures/talosctl/v1.14', path), 'utf8');
const ago = (s: number): number => Date.now() - s * 1000;

describe('service', () => {
  it('`service etcd` prints one block per node as talosctl does, newest event first', async () => {
    const { dir, lab } = fakeLab({
      nodes: [
        {
          state: 'Running',
          health: 'OK',
          healthMessage: 'etcd is healthy (took 2ms)',
          events: [
            { state: 'Preparing', msg: 'Running pre state', ts: ago(65) },
            { state: 'Running', msg: 'Health check successful', ts: ago(62) },
          ],
        },
        {
          mode: 'failed',
          state: 'Failed',
          health: 'Fail',
          healthMessage: 'context deadline exceeded',
          events: [
            {
              state: 'Failed',
              msg: 'Failed to run pre stage: error recovering from the snapshot: snapshot missing hash but --skip-hash-check=false',
              ts: ago(3),
            },
          ],
        },
      ],
    });
    const ctx = shimCtx(dir, lab, ['127.0.0.121', '127.0.0.122'], ['etcd']);
    expect(await service(ctx)).toBe(0);
    const want = fixture('service/two-blocks/stdout.txt')
      .replaceAll('10.5.0.2      ', '127.0.0.121   ')
      .replaceAll('10.5.0.3      ', '127.0.0.122   ')
      .replaceAll('10.5.0.2', '127.0.0.121')
      .replaceAll('10.5.0.3', '127.0.0.122');
    expect(ctx.io.stdout()).toBe(want);
    expect(ctx.io.stderr()).toBe('');
  });

  it('no LAST HEALTH MESSAGE line when there is none (fixture: preparing)', async () => {
    const { dir, lab } = fakeLab({
      nodes: [
        {
          state: 'Preparing',
          health: '?',
          events: [
            { state: 'Waiting', msg: 'Waiting for service "cri" to be "up", time sync', ts: ago(18) },
            { state: 'Preparing', msg: 'Running pre state', ts: ago(17) },
          ],
        },
      ],
    });
    const ctx = shimCtx(dir, lab, ['127.0.0.121'], ['etcd', 'status']);
    expect(await service(ctx)).toBe(0);
    expect(ctx.io.stdout()).toBe(
      fixture('service/preparing/stdout.txt').replaceAll('NODE     172.20.0.2', 'NODE     127.0.0.121'),
    );
  });

  it('`service` without an id is the table of every node, its last event and its age', async () => {
    const { dir, lab } = fakeLab({
      nodes: [
        { events: [{ state: 'Running', msg: 'Health check successful', ts: ago(75) }] },
        { state: 'Preparing', health: '?' },
      ],
    });
    const ctx = shimCtx(dir, lab, ['127.0.0.121', '127.0.0.122']);
    expect(await service(ctx)).toBe(0);
    expect(ctx.io.stdout()).toBe(
      [
        'NODE          SERVICE   STATE       HEALTH   LAST CHANGE   LAST EVENT',
        '127.0.0.121   etcd      Running     OK       1m15s ago     Health check successful',
        '127.0.0.122   etcd      Preparing   ?        0s ago        ',
        '',
      ].join('\n'),
    );
  });

  it('refuses another service and another operation, as talosctl', async () => {
    const { dir, lab } = fakeLab();
    const other = shimCtx(dir, lab, ['127.0.0.121'], ['kubelet']);
    expect(await service(other)).toBe(1);
    expect(other.io.stderr()).toBe('service "kubelet" is not registered on any nodes\n');
    const op = shimCtx(dir, lab, ['127.0.0.121'], ['etcd', 'restart']);
    expect(await service(op)).toBe(1);
    expect(op.io.stderr()).toBe('service "etcd" doesn\'t support restart operation via API\n');
  });

  it('a machine that is off fails by node while the others still print (1.14: exit 1)', async () => {
    const { dir, lab } = fakeLab({ nodes: [{ mode: 'down' }, {}] });
    const ctx = shimCtx(dir, lab, ['127.0.0.121', '127.0.0.122'], ['etcd']);
    expect(await service(ctx)).toBe(1);
    expect(ctx.io.stdout()).toContain('NODE     127.0.0.122\n');
    expect(ctx.io.stdout()).not.toContain('127.0.0.121');
    expect(ctx.io.stderr()).toBe(
      'error from node 127.0.0.121: rpc error: code = Unavailable desc = connection error: desc = "transport: Error while dialing: dial tcp 127.0.0.121:50000: connect: connection refused"\n',
    );
  });
});

describe('logs', () => {
  function withLog(text: string) {
    const f = fakeLab({ nodes: [{}, {}] });
    mkdirSync(labPaths(f.dir).logs, { recursive: true });
    writeFileSync(labPaths(f.dir).log('lab-cp-1'), text);
    return f;
  }

  it('every line by default, prefixed with the node; --tail N the last N; --tail 0 none', async () => {
    const { dir, lab } = withLog('{"a":1}\n{"b":2}\n{"c":3}\n');
    const all = shimCtx(dir, lab, ['127.0.0.121'], ['etcd']);
    expect(await logs(all)).toBe(0);
    expect(all.io.stdout()).toBe('127.0.0.121: {"a":1}\n127.0.0.121: {"b":2}\n127.0.0.121: {"c":3}\n');
    const two = shimCtx(dir, lab, ['127.0.0.121'], ['etcd'], { tail: ['2'] });
    await logs(two);
    expect(two.io.stdout()).toBe('127.0.0.121: {"b":2}\n127.0.0.121: {"c":3}\n');
    const none = shimCtx(dir, lab, ['127.0.0.121'], ['etcd'], { tail: ['0'] });
    await logs(none);
    expect(none.io.stdout()).toBe('');
    const more = shimCtx(dir, lab, ['127.0.0.121'], ['etcd'], { tail: ['10'] });
    await logs(more);
    expect(more.io.stdout()).toBe(all.io.stdout());
  });

  it('a last line without a newline is kept', async () => {
    const { dir, lab } = withLog('one\ntwo');
    const ctx = shimCtx(dir, lab, ['127.0.0.121'], ['etcd']);
    await logs(ctx);
    expect(ctx.io.stdout()).toBe('127.0.0.121: one\n127.0.0.121: two\n');
  });

  it('a node without a log file fails as talosctl (fixture: logs/not-registered)', async () => {
    const { dir, lab } = withLog('x\n');
    const ctx = shimCtx(dir, lab, ['127.0.0.122'], ['etcd']);
    expect(await logs(ctx)).toBe(1);
    expect(ctx.io.stderr()).toBe(fixture('logs/not-registered/stderr.txt').replace('10.5.0.3', '127.0.0.122'));
  });

  it('only `logs etcd`, and never --follow', async () => {
    const { dir, lab } = withLog('x\n');
    const kubelet = shimCtx(dir, lab, ['127.0.0.121'], ['kubelet']);
    expect(await logs(kubelet)).toBe(1);
    expect(kubelet.io.stderr()).toBe('talosctl-lab: only "logs etcd" is supported\n');
    const follow = shimCtx(dir, lab, ['127.0.0.121'], ['etcd'], { follow: ['true'] });
    expect(await logs(follow)).toBe(1);
    expect(follow.io.stderr()).toBe('talosctl-lab: logs --follow is not supported by the lab shim\n');
    expect(follow.io.stdout()).toBe('');
  });
});

describe('version', () => {
  it('--short as talosctl prints it (fixture: version/client-short), the long form otherwise', () => {
    const { dir, lab } = fakeLab();
    const short = shimCtx(dir, lab, [], [], { short: ['true'] });
    expect(version(short)).toBe(0);
    expect(short.io.stdout()).toBe(fixture('version/client-short/stdout.txt'));
    const long = shimCtx(dir, { ...lab, talosVersion: '1.11' }, []);
    version(long);
    expect(long.io.stdout()).toBe(
      'Client:\n\tTag:         v1.11.5\n\tSHA:         talos-dr-lab\n\tOS/Arch:     linux/amd64\n',
    );
  });
});

describe('goTimeString', () => {
  const t = Date.UTC(2026, 7, 21, 9, 12, 3, 120);
  it('is Go time.String() in UTC: no fraction on a whole second, trailing zeros dropped', () => {
    expect(goTimeString(Date.UTC(2026, 7, 21, 9, 12, 3))).toBe('2026-08-21 09:12:03 +0000 UTC');
    expect(goTimeString(t)).toBe('2026-08-21 09:12:03.12 +0000 UTC');
    expect(goTimeString(t + 0.5)).toBe('2026-08-21 09:12:03.1205 +0000 UTC');
    expect(goTimeString(Date.UTC(2026, 7, 21, 9, 12, 3, 7))).toBe('2026-08-21 09:12:03.007 +0000 UTC');
  });

  it('a fraction that rounds up to a whole millisecond carries, also into the next second', () => {
    // near 1970: today's epochs hold a millisecond's fraction only to ~0.24 µs, so no such fraction exists there
    expect(goTimeString(120.9999996)).toBe('1970-01-01 00:00:00.121 +0000 UTC');
    expect(goTimeString(999.9999996)).toBe('1970-01-01 00:00:01 +0000 UTC');
    expect(goTimeString(999.9999994)).toBe('1970-01-01 00:00:00.999999999 +0000 UTC');
  });
});

describe('time', () => {
  /** ms since the epoch of a Go time.String() in UTC, its fraction of any length (or none) */
  const parse = (s: string): number => {
    const m = /^(\d{4}-\d\d-\d\d) (\d\d:\d\d:\d\d)(\.\d{1,9})? \+0000 UTC$/.exec(s);
    if (!m) return Number.NaN;
    return Date.parse(`${m[1]}T${m[2]}Z`) + (m[3] ? Number(`0${m[3]}`) * 1000 : 0);
  };

  it("each node's clock is the real one moved by its offset; the server column is the real clock", async () => {
    const { dir, lab } = fakeLab({ nodes: [{ clockOffsetMs: 3000 }, {}, { mode: 'down' }] });
    const ctx = shimCtx(dir, lab, ['127.0.0.121', '127.0.0.122', '127.0.0.123']);
    const before = Date.now();
    expect(await time(ctx)).toBe(1);
    const lines = ctx.io.stdout().trimEnd().split('\n');
    // the time column is as wide as its longest value (Go drops a fraction's trailing zeros)
    expect(lines[0]).toMatch(/^NODE {10}NTP-SERVER {12}NODE-TIME {3,}NTP-SERVER-TIME$/);
    const rows = lines.slice(1).map((l) => l.split(/ {3,}/));
    expect(rows.map((r) => [r[0], r[1]])).toEqual([
      ['127.0.0.121', 'time.cloudflare.com'],
      ['127.0.0.122', 'time.cloudflare.com'],
    ]);
    const [skewed, right] = rows.map((r) => parse(r[2] ?? '') - parse(r[3] ?? ''));
    expect(skewed).toBeGreaterThanOrEqual(2999);
    expect(skewed).toBeLessThanOrEqual(3001);
    expect(Math.abs(right ?? Number.NaN)).toBeLessThanOrEqual(1);
    expect(parse(rows[1]?.[3] ?? '')).toBeGreaterThanOrEqual(before - 1);
    expect(ctx.io.stderr()).toContain('error from node 127.0.0.123: ');
  });

  it('no header when every node failed, up to 1.13; 1.14 prints it', async () => {
    const old = fakeLab({ nodes: [{ mode: 'down' }], talosVersion: '1.13' });
    const a = shimCtx(old.dir, old.lab, ['127.0.0.121']);
    expect(await time(a)).toBe(1);
    expect(a.io.stdout()).toBe('');
    expect(a.io.stderr()).toMatch(/^error fetching time: 1 error occurred:\n\t\* 127\.0\.0\.121: /);
    const now = fakeLab({ nodes: [{ mode: 'down' }] });
    const b = shimCtx(now.dir, now.lab, ['127.0.0.121']);
    await time(b);
    expect(b.io.stdout()).toBe('NODE   NTP-SERVER   NODE-TIME   NTP-SERVER-TIME\n');
  });
});

describe('reset', () => {
  function labWithData(o: Parameters<typeof fakeLab>[0] = {}) {
    const f = fakeLab({ nodes: [{ mode: 'stopped', state: 'Finished' }], ...o });
    mkdirSync(labPaths(f.dir).data('lab-cp-1'), { recursive: true });
    writeFileSync(join(labPaths(f.dir).data('lab-cp-1'), 'member'), 'x');
    return f;
  }
  const data = (dir: string) => readdirSync(labPaths(dir).data('lab-cp-1'));
  const run = async (f: { dir: string; lab: Parameters<typeof shimCtx>[1] }, labels: string, reboot = true) => {
    const ctx = shimCtx(f.dir, f.lab, ['127.0.0.121'], [], {
      graceful: ['false'],
      ...(reboot ? { reboot: ['true'] } : {}),
      ...(labels ? { 'system-labels-to-wipe': [labels] } : {}),
    });
    return { code: await reset(ctx), err: ctx.io.stderr(), rec: readNode(f.dir, 'lab-cp-1') };
  };

  it('EPHEMERAL on a directory layout wipes etcd: the node reboots into join, its events afresh', async () => {
    const f = labWithData({ nodes: [{ mode: 'stopped', state: 'Finished', holdPromotion: true, promote: 'abc' }] });
    const r = await run(f, 'STATE,EPHEMERAL');
    expect(r.code).toBe(0);
    expect(data(f.dir)).toEqual([]);
    expect(r.rec).toMatchObject({
      mode: 'join',
      state: 'Preparing',
      clusterState: 'existing',
      holdPromotion: false,
      promote: null,
    });
    expect(r.rec?.events.map((e) => [e.state, e.msg])).toEqual([
      ['Waiting', 'Waiting for service "cri" to be "up"'],
      ['Preparing', 'Running pre state'],
    ]);
  });

  it('a dedicated partition survives EPHEMERAL: the node comes back with its data, as run', async () => {
    const f = labWithData({ dedicatedEtcd: true });
    const r = await run(f, 'EPHEMERAL');
    expect(r.code).toBe(0);
    expect(data(f.dir)).toEqual(['member']);
    expect(r.rec?.mode).toBe('run');
    const again = await run(f, 'EPHEMERAL,ETCD');
    expect(again.code).toBe(0);
    expect(data(f.dir)).toEqual([]);
    expect(again.rec?.mode).toBe('join');
  });

  it('without --reboot the machine stays off', async () => {
    const f = labWithData();
    const r = await run(f, 'EPHEMERAL', false);
    expect(r.rec).toMatchObject({ mode: 'down', events: [] });
  });

  it('refuses labels as each Talos version does, before touching any node', async () => {
    const cases: [Parameters<typeof fakeLab>[0], string, string][] = [
      [
        {},
        'FOO',
        'failed to get volume status with label "FOO": resource VolumeStatuses.block.talos.dev(runtime/FOO@undefined) doesn\'t exist',
      ],
      [
        { talosVersion: '1.10' },
        'EPHEMERAL,ETCD',
        'failed to get volume status with label "ETCD": resource VolumeStatuses.block.talos.dev(runtime/ETCD@undefined) doesn\'t exist',
      ],
      [{ talosVersion: '1.13' }, 'EPHEMERAL,ETCD', 'failed to reset: volume "ETCD" is not located'],
      [
        {},
        'ETCD',
        'failed to reset: volume "ETCD" resides on volume "EPHEMERAL", and therefore "ETCD" cannot be wiped without wiping "EPHEMERAL"',
      ],
    ];
    for (const [o, labels, want] of cases) {
      const f = labWithData(o);
      const r = await run(f, labels);
      expect([labels, r.code, r.err]).toEqual([labels, 1, `${want}\n`]);
      expect(data(f.dir)).toEqual(['member']);
      expect(r.rec?.mode).toBe('stopped');
    }
    const ok = labWithData();
    expect((await run(ok, 'EPHEMERAL,ETCD')).code).toBe(0);
  });
});

describe('bootstrap', () => {
  it('on an empty data dir: the node runs as a new one-member cluster', async () => {
    const f = fakeLab({ nodes: [{ mode: 'stopped', waitRemovalOf: '8e9e05c52164694d', promote: 'x' }] });
    const ctx = shimCtx(f.dir, f.lab, ['127.0.0.121']);
    expect(await bootstrap(ctx)).toBe(0);
    expect(readNode(f.dir, 'lab-cp-1')).toMatchObject({
      mode: 'run',
      state: 'Preparing',
      clusterState: 'new',
      initialCluster: 'lab-cp-1=http://127.0.0.121:2380',
      waitRemovalOf: null,
      promote: null,
    });
    expect(readNode(f.dir, 'lab-cp-1')?.events.map((e) => e.msg)).toEqual(['Bootstrap requested', 'Running pre state']);
  });

  it('refuses a data dir that is not empty (fixture: errors/00-already-bootstrapped), and a machine that is off', async () => {
    const f = fakeLab({ nodes: [{ mode: 'stopped' }, { mode: 'down' }] });
    mkdirSync(labPaths(f.dir).data('lab-cp-1'), { recursive: true });
    writeFileSync(join(labPaths(f.dir).data('lab-cp-1'), 'member'), 'x');
    const full = shimCtx(f.dir, f.lab, ['127.0.0.121']);
    expect(await bootstrap(full)).toBe(1);
    expect(full.io.stderr()).toBe(fixture('errors/00-already-bootstrapped/stderr.txt'));
    expect(readNode(f.dir, 'lab-cp-1')?.mode).toBe('stopped');
    const off = shimCtx(f.dir, f.lab, ['127.0.0.122']);
    expect(await bootstrap(off)).toBe(1);
    expect(off.io.stderr()).toContain('dial tcp 127.0.0.122:50000: connect: connection refused');
  });
});
