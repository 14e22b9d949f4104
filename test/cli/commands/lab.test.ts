import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { etcdVolumeOption, register, talosVersionOption } from '../../../src/cli/commands/lab.js';
import { DEFAULT_LAB_TALOS_VERSION, LAB_TALOS_VERSIONS } from '../../../src/lab/talos-versions.js';
import { parsedArgs, runRegistered } from '../../helpers/cli-in-process.js';

/**
 * `talos-dr lab …`: its flag parsers and where it looks for the lab, with no lab started (the
 * commands that would start or touch one are only parsed; status and inject refuse before).
 */

const cwd = mkdtempSync(join(tmpdir(), 'tdr-lab-cmd-'));
afterAll(() => rmSync(cwd, { recursive: true, force: true }));

describe('lab up flags', () => {
  it('defaults: 3 members, a 32 MiB quota, 100 seed keys, 127.0.0.11, the default Talos, ephemeral etcd', async () => {
    expect(await parsedArgs(register, ['lab', 'up'], ['lab', 'up'])).toEqual({
      args: [],
      opts: {
        members: 3,
        quota: 33554432,
        seedKeys: 100,
        firstAddress: '127.0.0.11',
        talosVersion: DEFAULT_LAB_TALOS_VERSION,
        etcdVolume: 'ephemeral',
      },
    });
  });

  it('reads whole numbers, 0 included (--quota 0 keeps etcd’s default)', async () => {
    const r = await parsedArgs(
      register,
      ['lab', 'up'],
      ['lab', 'up', '--members', '5', '--quota', '0', '--seed-keys=7'],
    );
    expect(r).toMatchObject({ opts: { members: 5, quota: 0, seedKeys: 7 } });
  });

  it.each([
    ['--members', '3x'],
    ['--members', '-1'],
    ['--members', '1.5'],
    ['--quota', '32MiB'],
    ['--seed-keys', ''],
  ])('refuses %s %j with exit 2, naming the flag', async (flag, value) => {
    const r = await runRegistered(register, ['lab', 'up', flag, value]);
    expect(r.code).toBe(2);
    expect(r.stderr).toContain(`${flag} must be a whole number`);
  });

  it('refuses a Talos version or an etcd volume it cannot answer as', async () => {
    for (const [flag, value] of [
      ['--talos-version', '1.9'],
      ['--etcd-volume', 'tmpfs'],
    ] as const) {
      const r = await runRegistered(register, ['lab', 'up', flag, value]);
      expect(r.code).toBe(2);
      expect(r.stderr).toContain(`argument '${value}' is invalid`);
    }
  });
});

describe('talosVersionOption and etcdVolumeOption', () => {
  it('offer exactly the lab’s versions and the two layouts, with their defaults', () => {
    const v = talosVersionOption();
    expect([v.long, v.argChoices, v.defaultValue]).toEqual([
      '--talos-version',
      [...LAB_TALOS_VERSIONS],
      DEFAULT_LAB_TALOS_VERSION,
    ]);
    const e = etcdVolumeOption();
    expect([e.long, e.argChoices, e.defaultValue]).toEqual(['--etcd-volume', ['ephemeral', 'dedicated'], 'ephemeral']);
  });
});

describe('lab inject flags', () => {
  it('reads a negative --offset-ms, --ms, --percent and durations for --cut and --every', async () => {
    const r = await parsedArgs(
      register,
      ['lab', 'inject'],
      [
        'lab',
        'inject',
        'clock-skew',
        '--offset-ms',
        '-1500',
        '--ms',
        '20',
        '--percent',
        '30',
        '--cut',
        '3s',
        '--every',
        '1m',
        '--node',
        '2',
      ],
    );
    expect(r).toEqual({
      args: ['clock-skew', undefined],
      opts: { offsetMs: -1500, ms: 20, percent: 30, cut: 3000, every: 60_000, node: '2' },
    });
  });

  it.each([
    ['--offset-ms', '1.5', '--offset-ms must be a whole number of milliseconds'],
    ['--offset-ms', '+5', '--offset-ms must be a whole number of milliseconds'],
    ['--ms', '-20', '--ms must be a whole number'],
    ['--percent', '50%', '--percent must be a whole number'],
    ['--cut', '3', '--cut must be a duration such as 3s, 500ms or 1m'],
    ['--every', '1.5s', '--every must be a duration such as 3s, 500ms or 1m'],
  ])('refuses %s %j with exit 2: %s', async (flag, value, says) => {
    const r = await runRegistered(register, ['lab', 'inject', 'latency', flag, value]);
    expect(r.code).toBe(2);
    expect(r.stderr).toContain(says);
  });

  it('refuses an unknown fault before touching any lab, listing the known ones', async () => {
    const r = await runRegistered(register, ['lab', 'inject', 'meteor', '--dir', join(cwd, 'nowhere')], { cwd });
    expect(r.code).toBe(2);
    expect(r.error?.code).toBe('TDR_BAD_PARAM');
    expect(r.error?.message).toMatch(/^fault "meteor": known: nospace, .*flap-leader/);
  });
});

describe('where lab commands look for the lab', () => {
  const statusIn = async (args: string[], env: NodeJS.ProcessEnv = {}) =>
    (await runRegistered(register, ['lab', 'status', ...args], { cwd, env })).error?.message;

  it('--dir, relative to the working directory, first', async () => {
    expect(await statusIn(['--dir', 'mine'], { TALOS_DR_LAB_DIR: '/elsewhere' })).toBe(
      `no lab in ${join(cwd, 'mine')}`,
    );
  });

  it('then $TALOS_DR_LAB_DIR, then ./.talos-dr/lab', async () => {
    expect(await statusIn([], { TALOS_DR_LAB_DIR: 'from-env' })).toBe(`no lab in ${join(cwd, 'from-env')}`);
    expect(await statusIn([], { TALOS_DR_LAB_DIR: '/abs/lab' })).toBe('no lab in /abs/lab');
    expect(await statusIn([])).toBe(`no lab in ${join(cwd, '.talos-dr/lab')}`);
  });

  it('refuses lab checksum on a dir without a lab the same way', async () => {
    const r = await runRegistered(register, ['lab', 'checksum', '--dir', 'x'], { cwd });
    expect(r.error?.code).toBe('TDR_LAB_NOT_RUNNING');
    expect(r.code).not.toBe(0);
  });
});
