import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { execa } from 'execa';
import { afterAll, describe, expect, it } from 'vitest';
import { drillOnLab, ran } from '../../helpers/drill.js';
import { runCli, TALOSCTL_LAB } from '../../helpers/run-cli.js';

/**
 * Issue #16: the four recovery drills on the lab answering as Talos 1.10, 1.13 and 1.14 with a
 * dedicated ETCD volume (the whole matrix, 1.8–1.14, runs in `npm run test:reliability`). The etcd
 * underneath is Debian's 3.4 in every case: what changes is what talosctl prints and how Talos
 * treats volumes — which is what the runbooks read.
 */

const work = mkdtempSync(join(tmpdir(), 'talos-dr-matrix-'));
const labDir = join(work, 'lab');

afterAll(async () => {
  await runCli(['lab', 'down', '--dir', labDir]);
});

const MATRIX: { name: string; flags: string[]; wipe: string }[] = [
  { name: '1.10', flags: ['--talos-version', '1.10'], wipe: 'EPHEMERAL' },
  { name: '1.13', flags: ['--talos-version', '1.13'], wipe: 'EPHEMERAL' },
  {
    name: '1.14 with a dedicated ETCD volume',
    flags: ['--talos-version', '1.14', '--etcd-volume', 'dedicated'],
    wipe: 'EPHEMERAL,ETCD',
  },
];

describe.each(MATRIX)('recovery drills on Talos $name', ({ name, flags, wipe }) => {
  const drill = (scenario: string) => drillOnLab(work, scenario, flags, `${scenario}-${name.split(' ')[0]}`);

  it('nospace-recovery: recovered, data intact', async () => {
    const { code, report } = await drill('nospace-recovery');
    expect(report.run.outcome, JSON.stringify(report.run)).toBe('success');
    expect(report.data.intact).toBe(true);
    expect(code).toBe(0);
  });

  it('replace-lost-member: recovered, data intact', async () => {
    const { code, report, argvs } = await drill('replace-lost-member');
    expect(report.run.outcome, JSON.stringify(report.run)).toBe('success');
    expect(ran(argvs, 'etcd remove-member')).toBe(true);
    expect(report.data.intact).toBe(true);
    expect(code).toBe(0);
  });

  it(`member-not-syncing: the rejoin wipes ${wipe}`, async () => {
    const { code, report, argvs } = await drill('member-not-syncing');
    expect(report.run.outcome, JSON.stringify(report.run)).toBe('success');
    expect(argvs.filter((a) => a[0] === 'reset').map((a) => a.at(-1))).toEqual([wipe]);
    expect(report.data.intact).toBe(true);
    expect(code).toBe(0);
  });

  it(`restore-from-snapshot: every node wiped with ${wipe}, the data set equals the snapshot`, async () => {
    const { code, report, argvs } = await drill('restore-from-snapshot');
    expect(report.run.outcome, JSON.stringify(report.run)).toBe('success');
    const resets = argvs.filter((a) => a[0] === 'reset');
    expect(resets).toHaveLength(3);
    for (const r of resets) expect(r.at(-1)).toBe(wipe);
    expect(report.data.after).toMatchObject(report.data.expected);
    expect(code).toBe(0);
  });
});

describe('the dedicated ETCD volume, attacked through the shim', () => {
  const shim = (args: string[]) =>
    execa(TALOSCTL_LAB, args, { env: { ...process.env, TALOS_DR_LAB_DIR: labDir }, reject: false });

  it('an EPHEMERAL-only reset leaves etcd data on a dedicated volume: the old member comes back', async () => {
    const up = await runCli(['lab', 'up', '--dir', labDir, '--etcd-volume', 'dedicated']);
    expect(up.code, up.stderr).toBe(0);
    const before = await shim(['-n', '127.0.0.13', 'etcd', 'status']);
    const id = /127\.0\.0\.13\s+([0-9a-f]{16})/.exec(before.stdout)?.[1];
    expect(id).toBeDefined();
    const reset = await shim([
      '-n',
      '127.0.0.13',
      'reset',
      '--graceful=false',
      '--reboot',
      '--system-labels-to-wipe',
      'EPHEMERAL',
    ]);
    expect(reset.exitCode, reset.stderr).toBe(0);
    let after = '';
    for (let i = 0; i < 60 && !after.includes(id ?? '?'); i++) {
      await new Promise((r) => setTimeout(r, 500));
      after = (await shim(['-n', '127.0.0.13', 'etcd', 'status'])).stdout;
    }
    // the same member id: its data survived the "wipe" — why the runbooks read the layout first
    expect(after).toContain(id);
    const vol = await shim(['-n', '127.0.0.13', 'get', 'volumestatus', 'ETCD', '-o', 'json']);
    expect(JSON.parse(vol.stdout).spec).toMatchObject({ type: 'partition' });
    await runCli(['lab', 'down', '--dir', labDir]);
  });

  it('ETCD cannot be wiped alone while it is a directory (1.14), and is "not located" on 1.13', async () => {
    for (const [version, words] of [
      ['1.14', /resides on volume "EPHEMERAL", and therefore "ETCD" cannot be wiped without wiping "EPHEMERAL"/],
      ['1.13', /failed to reset: volume "ETCD" is not located/],
    ] as const) {
      const up = await runCli(['lab', 'up', '--dir', labDir, '--talos-version', version]);
      expect(up.code, up.stderr).toBe(0);
      const r = await shim(['-n', '127.0.0.12', 'reset', '--graceful=false', '--system-labels-to-wipe', 'ETCD']);
      expect(r.exitCode).toBe(1);
      expect(r.stderr).toMatch(words);
      await runCli(['lab', 'down', '--dir', labDir]);
    }
  });
});
