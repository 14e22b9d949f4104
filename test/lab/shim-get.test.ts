import { mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { parseClusterIds } from '../../src/engine/cluster-identity.js';
import { labClusterId } from '../../src/lab/shim-get.js';
import { runShim } from '../../src/lab/talosctl-shim.js';

/**
 * `talosctl-lab get info`: the lab's cluster identity, from its state files only (no etcd is
 * started here: the read must answer while etcd is down, as Talos's machine-config id does).
 */
function fakeLab(): string {
  const dir = mkdtempSync(join(tmpdir(), 'tdr-shim-get-'));
  const nodes = [1, 2, 3].map((i) => ({ index: i, name: `lab-${i}`, ip: `127.0.0.${10 + i}` }));
  writeFileSync(
    join(dir, 'lab.json'),
    JSON.stringify({
      version: 1,
      dir,
      nodes,
      quotaBytes: null,
      seedKeys: 0,
      seedPrefix: '',
      createdAt: '2026-11-29T00:00:00Z',
      supervisorPid: null,
    }),
  );
  mkdirSync(join(dir, 'nodes'));
  for (const n of nodes)
    writeFileSync(
      join(dir, 'nodes', `${n.name}.json`),
      JSON.stringify({
        name: n.name,
        ip: n.ip,
        mode: n.index === 3 ? 'down' : 'stopped',
        state: 'Finished',
        events: [],
      }),
    );
  return dir;
}

async function shim(dir: string, argv: string[]) {
  let out = '';
  let err = '';
  const io = {
    out: (t: string) => {
      out += t;
    },
    err: (t: string) => {
      err += t;
    },
  };
  const code = await runShim(argv, { TALOS_DR_LAB_DIR: dir }, dir, io);
  return { code, out, err };
}

describe('talosctl-lab get info', () => {
  it('answers the lab-dir id on every machine that is up, as talosctl -o json prints it; a machine that is off fails', async () => {
    const dir = fakeLab();
    const r = await shim(dir, ['-n', '127.0.0.11,127.0.0.12,127.0.0.13', 'get', 'info', '--output', 'json']);
    expect(r.code).toBe(1);
    expect(parseClusterIds(r.out)).toEqual([labClusterId(dir), labClusterId(dir)]);
    expect(r.out).toContain('\n    "metadata": {\n        "created": "2026-11-29T00:00:00Z",');
    expect(r.err).toContain('error from node 127.0.0.13');
    const y = await shim(dir, ['-n', '127.0.0.11', 'get', 'info', '-o', 'yaml']);
    expect(y.out).toContain(`spec:\n    clusterId: ${labClusterId(dir)}\n    clusterName: talos-dr-lab\n---\n`);
    expect(labClusterId(dir)).not.toBe(labClusterId(fakeLab()));
    const other = await shim(dir, ['-n', '127.0.0.11', 'get', 'members']);
    expect(other.code).toBe(1);
    expect(other.err).toContain('only "get info"');
  });
});
