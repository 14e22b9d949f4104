import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { execa } from 'execa';
import { runCli, TALOSCTL_LAB } from './run-cli.js';

/**
 * A real backup of a real lab, as a user takes one: `lab up` on its own range, `backup run`
 * through the lab shim to a directory target (optionally encrypted to a fresh age key), then
 * `lab down`. Returns the backup's id and what is needed to read it back.
 */
export interface LabBackup {
  readonly target: string;
  readonly id: string;
  /** age identity file when encrypted */
  readonly keyFile: string | undefined;
}

export async function takeLabBackup(o: {
  dir: string;
  firstAddress: string;
  seedKeys: number;
  encrypt: boolean;
  env: Record<string, string>;
}): Promise<LabBackup> {
  const labDir = join(o.dir, 'source-lab');
  const target = join(o.dir, 'store');
  mkdirSync(o.dir, { recursive: true });
  const env = { ...o.env, TALOS_DR_LAB_DIR: labDir, TALOS_DR_LOCK_DIR: join(o.dir, 'locks') };
  const [a, b, c] = o.firstAddress.split('.').slice(1).map(Number) as [number, number, number];
  const nodes = [0, 1, 2].map((i) => `127.${a}.${b}.${c + i}`).join(',');
  const up = await runCli(
    ['lab', 'up', '--first-address', o.firstAddress, '--dir', labDir, '--seed-keys', String(o.seedKeys)],
    { env, timeoutMs: 120_000 },
  );
  if (up.code !== 0) throw new Error(`lab up: ${up.stderr}`);
  try {
    let keyFile: string | undefined;
    const enc: string[] = [];
    if (o.encrypt) {
      keyFile = join(o.dir, 'key.txt');
      await execa('age-keygen', ['-o', keyFile]);
      const { stdout } = await execa('age-keygen', ['-y', keyFile]);
      enc.push('--encrypt-to', stdout.trim(), '--identity', keyFile);
    }
    const r = await runCli(
      ['backup', 'run', '--talosctl', TALOSCTL_LAB, '--param', `nodes=${nodes}`, '--target', target, ...enc],
      { env, timeoutMs: 120_000 },
    );
    const id = /^backup (\d{8}T\d{6}Z-[0-9a-f]{12}) ok:/m.exec(r.stdout)?.[1];
    if (r.code !== 0 || id === undefined) throw new Error(`backup run (exit ${r.code}): ${r.stdout}\n${r.stderr}`);
    return { target, id, keyFile };
  } finally {
    await runCli(['lab', 'down', '--dir', labDir], { env, timeoutMs: 120_000 });
  }
}
