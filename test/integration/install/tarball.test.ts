import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { execa } from 'execa';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { builtinNames, cleanEnv, drillOnCleanMachine, expectVersionAndList } from '../../helpers/clean-machine.js';

/**
 * `npm pack` then `npm install -g` of the tarball into an empty prefix, offline (the tarball
 * needs no registry: dist/ bundles every library), then the installed talos-dr on a clean PATH and
 * HOME: --version, list, and a NOSPACE drill on 127.0.0.91–93. Packs dist/ as `npm test` built it
 * (--ignore-scripts: `prepare` would rebuild dist/ under the other tests' feet).
 */

let work: string;
let tarball: string;
let packed: { path: string; size: number }[];
let prefix: string;

beforeAll(async () => {
  work = mkdtempSync(join(tmpdir(), 'tdr-tarball-'));
  const cache = join(work, 'npm-cache');
  const pack = await execa('npm', ['pack', '--ignore-scripts', '--json', '--pack-destination', work, '--cache', cache]);
  const [info] = JSON.parse(pack.stdout) as {
    filename: string;
    size: number;
    files: { path: string; size: number }[];
  }[];
  if (!info) throw new Error(`npm pack printed no JSON: ${pack.stdout}`);
  tarball = join(work, info.filename);
  packed = info.files;
  process.stdout.write(`tarball ${info.filename}: ${info.size} bytes, ${packed.length} files\n`);
  prefix = join(work, 'prefix');
  const t0 = Date.now();
  await execa('npm', [
    'install',
    '-g',
    '--offline',
    '--no-audit',
    '--no-fund',
    '--prefix',
    prefix,
    '--cache',
    cache,
    tarball,
  ]);
  process.stdout.write(`npm install -g (offline) took ${Date.now() - t0} ms\n`);
}, 180_000);
afterAll(() => rmSync(work, { recursive: true, force: true }));

describe('the npm tarball', () => {
  it('holds what an install runs and nothing of the checkout besides', () => {
    const paths = packed.map((f) => f.path);
    for (const needed of [
      'package.json',
      'README.md',
      'bin/talos-dr',
      'bin/talosctl-lab',
      'dist/talos-dr.mjs',
      'dist/talosctl-lab.mjs',
      'dist/lab-supervisor.mjs',
      'man/talos-dr.1',
      'runbooks/nospace-recovery.yaml',
      'docs/lab.md',
    ]) {
      expect(paths).toContain(needed);
    }
    const allowed =
      /^(package\.json|README\.md|bin\/talos(-dr|ctl-lab)|dist\/(chunks\/)?[\w-]+\.mjs|runbooks\/[\w-]+\.yaml|docs\/.+\.md|man\/talos-dr\.1)$/;
    expect(paths.filter((p) => !allowed.test(p))).toEqual([]);
    expect(paths.filter((p) => p.endsWith('.yaml')).length).toBe(builtinNames().length);
  });

  it('installs into an empty prefix with no registry, no build and no dependency', () => {
    const pkg = join(prefix, 'lib', 'node_modules', 'talos-dr');
    expect(existsSync(join(pkg, 'dist', 'talos-dr.mjs'))).toBe(true);
    expect(existsSync(join(pkg, 'node_modules'))).toBe(false);
    expect(existsSync(join(prefix, 'bin', 'talos-dr'))).toBe(true);
    expect(existsSync(join(prefix, 'share', 'man', 'man1', 'talos-dr.1'))).toBe(true);
  });

  it('runs --version and list from a clean PATH and HOME', async () => {
    await expectVersionAndList(work, join(prefix, 'bin'));
  });

  it('runs a NOSPACE drill on 127.0.0.91–93 with the installed talosctl-lab and runbook', async () => {
    const env = cleanEnv(work, join(prefix, 'bin'));
    const t0 = Date.now();
    const { report, start } = await drillOnCleanMachine(work, env);
    process.stdout.write(`tarball drill: ${Date.now() - t0} ms (time to recover ${report.timeToRecoverMs} ms)\n`);
    expect(report).toMatchObject({ exitCode: 0, recovered: true, data: { intact: true } });
    const pkg = join(prefix, 'lib', 'node_modules', 'talos-dr');
    expect(start.runbook).toBe(join(pkg, 'runbooks', 'nospace-recovery.yaml'));
    expect(start.target.talosctl).toBe(join(pkg, 'bin', 'talosctl-lab'));
  }, 400_000);
});
