import { existsSync, mkdirSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { heal, injectFault, resolveNode } from '../../src/lab/faults.js';
import { labPaths, readNode } from '../../src/lab/state.js';
import { fakeLab } from '../helpers/lab-files.js';

/**
 * `lab inject` / `lab heal` on a lab's state files with no etcd behind them: which node --node
 * names, what each fault refuses without its arguments, and what it does to a node's record and
 * files (docs/lab.md, Faults). The faults that need a live member (nospace filling, lag, the
 * waits for no leader or a learner) are the lab suite's.
 */
describe('resolveNode', () => {
  it('--node is an address, a name or a 1-based index', () => {
    const { lab } = fakeLab();
    expect(resolveNode(lab, '127.0.0.122')).toBe('lab-cp-2');
    expect(resolveNode(lab, 'lab-cp-3')).toBe('lab-cp-3');
    expect(resolveNode(lab, '1')).toBe('lab-cp-1');
  });

  it('anything else names the lab nodes it could have been (exit 2)', () => {
    const { lab } = fakeLab();
    for (const v of ['0', '4', '01', '127.0.0.124', 'lab-cp-9', ''])
      expect(() => resolveNode(lab, v)).toThrow(
        expect.objectContaining({
          code: 'TDR_LAB_BAD_NODE',
          exitCode: 2,
          message: `--node ${JSON.stringify(v)}: not a lab node`,
        }),
      );
  });
});

describe('injectFault refusals', () => {
  it('no lab in the dir', async () => {
    const { dir } = fakeLab();
    await expect(injectFault(join(dir, 'none'), 'kill', { node: '1' })).rejects.toMatchObject({
      code: 'TDR_LAB_NOT_RUNNING',
    });
  });

  it('a node fault without --node, clock-skew without --offset-ms, corrupt-snapshot without a file', async () => {
    const { dir } = fakeLab();
    for (const f of ['kill', 'lose', 'lag', 'stuck-learner', 'clock-skew'] as const)
      await expect(injectFault(dir, f, {})).rejects.toMatchObject({
        code: 'TDR_USAGE',
        message: expect.stringContaining(`fault ${f} needs --node <address|index>`),
      });
    await expect(injectFault(dir, 'clock-skew', { node: '2' })).rejects.toMatchObject({
      code: 'TDR_USAGE',
      message: expect.stringContaining('fault clock-skew needs --offset-ms <n>'),
    });
    await expect(injectFault(dir, 'corrupt-snapshot', {})).rejects.toMatchObject({ code: 'TDR_USAGE' });
    await expect(injectFault(dir, 'corrupt-snapshot', { file: join(dir, 'nope.db') })).rejects.toMatchObject({
      code: 'TDR_FILE_NOT_FOUND',
    });
  });

  it('NOSPACE needs a small quota (none, or over 256 MiB, is refused) and a running member', async () => {
    for (const quotaBytes of [null, 256 * 1024 * 1024 + 1]) {
      const { dir, lab } = fakeLab();
      writeFileSync(labPaths(dir).state, JSON.stringify({ ...lab, quotaBytes }));
      await expect(injectFault(dir, 'nospace', {})).rejects.toMatchObject({
        code: 'TDR_LAB_FAILED',
        message: expect.stringContaining('the NOSPACE faults need a small quota'),
      });
    }
    const { dir, lab } = fakeLab({ nodes: [{ mode: 'down' }, { mode: 'run', pid: null }] });
    writeFileSync(labPaths(dir).state, JSON.stringify({ ...lab, quotaBytes: 256 * 1024 * 1024 }));
    await expect(injectFault(dir, 'nospace-full', {})).rejects.toMatchObject({
      code: 'TDR_LAB_FAILED',
      message: 'lab: no member is running',
    });
  });

  it('lag needs an etcd that runs', async () => {
    const { dir } = fakeLab({ nodes: [{ mode: 'stopped' }] });
    await expect(injectFault(dir, 'lag', { node: '127.0.0.121' })).rejects.toMatchObject({
      message: 'lab: 127.0.0.121: etcd is not running',
    });
    expect(readNode(dir, 'lab-cp-1')?.frozen).toBe(false);
  });
});

describe('injectFault on the records', () => {
  function withData() {
    const f = fakeLab({ nodes: [{ state: 'Running', health: 'OK' }, {}] });
    mkdirSync(labPaths(f.dir).data('lab-cp-1'), { recursive: true });
    writeFileSync(join(labPaths(f.dir).data('lab-cp-1'), 'member'), 'x');
    return f;
  }

  it('kill: the machine is down, its data kept', async () => {
    const { dir } = withData();
    expect(await injectFault(dir, 'kill', { node: '1' })).toBe(
      'kill: 127.0.0.121 (lab-cp-1) SIGKILLed; machine down, data kept (lab heal restarts it)',
    );
    expect(readNode(dir, 'lab-cp-1')).toMatchObject({ mode: 'down', pid: null, frozen: false, health: '?' });
    expect(readdirSync(labPaths(dir).data('lab-cp-1'))).toEqual(['member']);
  });

  it('lose: wiped, waits in Preparing to join; with no status read, the old member is unknown', async () => {
    const { dir } = withData();
    expect(await injectFault(dir, 'lose', { node: 'lab-cp-1' })).toBe(
      'lose: 127.0.0.121 (lab-cp-1) SIGKILLed and wiped; it waits in Preparing until member unknown is removed, then joins',
    );
    const rec = readNode(dir, 'lab-cp-1');
    expect(rec).toMatchObject({ mode: 'join', waitRemovalOf: 'unknown', state: 'Preparing' });
    expect(rec?.events.at(-1)?.msg).toBe('Running pre state');
    expect(readdirSync(labPaths(dir).data('lab-cp-1'))).toEqual([]);
    expect(readNode(dir, 'lab-cp-2')?.mode).toBe('run');
  });

  it('clock-skew sets the offset on that node only, negative too', async () => {
    const { dir } = fakeLab();
    expect(await injectFault(dir, 'clock-skew', { node: '2', offsetMs: -1500 })).toBe(
      "clock-skew: lab-cp-2's clock now reads -1500 ms off in talosctl time (lab heal resets it)",
    );
    expect(readNode(dir, 'lab-cp-2')?.clockOffsetMs).toBe(-1500);
    expect(readNode(dir, 'lab-cp-1')?.clockOffsetMs).toBeUndefined();
  });

  it('corrupt-snapshot flips the 64 bytes at the middle, keeping the size', async () => {
    const { dir } = fakeLab();
    const file = join(dir, 's.db');
    const before = Buffer.alloc(1001, 0x0f);
    writeFileSync(file, before);
    expect(await injectFault(dir, 'corrupt-snapshot', { file })).toBe(
      `corrupt-snapshot: flipped 64 bytes at offset 500 of ${file} (1001 bytes)`,
    );
    const after = readFileSync(file);
    expect(after.length).toBe(1001);
    const changed = [...after.keys()].filter((i) => after[i] !== before[i]);
    expect(changed).toEqual(Array.from({ length: 64 }, (_, i) => 500 + i));
    expect(after[500]).toBe(0xf0);
  });
});

describe('heal', () => {
  it('brings a machine that is off back on its data, resets clocks, lifts a held promotion, resumes compaction', async () => {
    const { dir } = fakeLab({
      nodes: [
        { mode: 'down', clusterState: 'new' },
        { clockOffsetMs: 3000 },
        { mode: 'join', holdPromotion: true, promote: '8e9e05c52164694d' },
      ],
    });
    writeFileSync(labPaths(dir).compactionPaused, 'nospace fill\n');
    expect(await heal(dir)).toEqual([
      '127.0.0.121: machine back, etcd restarting on its data',
      '127.0.0.122: clock back in sync',
      '127.0.0.123: learner 8e9e05c52164694d may be promoted now',
    ]);
    expect(readNode(dir, 'lab-cp-1')).toMatchObject({ mode: 'run', clusterState: 'existing', state: 'Preparing' });
    expect(readNode(dir, 'lab-cp-2')?.clockOffsetMs).toBe(0);
    expect(readNode(dir, 'lab-cp-3')).toMatchObject({ mode: 'join', holdPromotion: false });
    expect(existsSync(labPaths(dir).compactionPaused)).toBe(false);
  });

  it('a lost machine keeps waiting; a healthy lab gives nothing to say', async () => {
    const { dir } = fakeLab({ nodes: [{ mode: 'join', waitRemovalOf: 'abc' }, {}] });
    expect(await heal(dir)).toEqual([]);
    expect(readNode(dir, 'lab-cp-1')).toMatchObject({ mode: 'join', waitRemovalOf: 'abc' });
  });

  it('a hold without a learner to promote yet is lifted silently, and a down machine still comes back', async () => {
    const { dir } = fakeLab({ nodes: [{ mode: 'down', holdPromotion: true, promote: null }] });
    expect(await heal(dir)).toEqual(['127.0.0.121: machine back, etcd restarting on its data']);
    expect(readNode(dir, 'lab-cp-1')).toMatchObject({ mode: 'run', holdPromotion: false });
  });
});
