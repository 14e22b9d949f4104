import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { etcdVolume } from '../../../src/checks/observe/etcd-volume.js';
import { failedRead } from '../../../src/checks/read-cause.js';
import type { Read } from '../../../src/checks/reader.js';
import type { EtcdVolume } from '../../../src/talos/observations.js';
import { toNodeOutcome } from '../../../src/talos/outcome.js';
import { parseVolumeStatus } from '../../../src/talos/parse/volume-status.js';
import { readsWith } from '../../helpers/check-reads.js';
import { FAILED } from '../../helpers/fake-cluster.js';

/** Recorded `get volumestatus ETCD -o yaml` answers (see each fixture's SOURCE.md). */
const FIX = join(import.meta.dirname, '../../../fixtures/talosctl');
function recorded(path: string): Read<EtcdVolume[]> {
  const r = parseVolumeStatus(readFileSync(join(FIX, path, 'stdout.txt'), 'utf8'));
  if (!r.ok) throw new Error(`${path} does not parse`);
  return { ok: true, value: r.value };
}
const derive = (node: string, read: Read<unknown>) =>
  etcdVolume.derive(readsWith({ volume: { [node]: read } }), { node });
const row = (node: string, v: Partial<EtcdVolume>): Read<EtcdVolume[]> => ({
  ok: true,
  value: [{ node, type: 'partition', phase: 'ready', location: '', ...v }],
});

describe('etcd-volume', () => {
  it('reads the volume of the node asked only', () => {
    expect(etcdVolume.reads({ node: '10.5.0.2', nodes: ['10.5.0.3'] })).toEqual([{ kind: 'volume', node: '10.5.0.2' }]);
  });

  it('a dedicated ETCD partition (Talos 1.14, recorded): wipe EPHEMERAL and ETCD', () => {
    expect(derive('10.5.0.2', recorded('v1.14/volume-status/dedicated-partition'))).toEqual({
      ok: true,
      outputs: {
        labels: 'EPHEMERAL,ETCD',
        dedicated: true,
        layout: 'etcd data is on a dedicated ETCD partition (/dev/sda5): wiping EPHEMERAL alone would leave it',
      },
      summary: '10.5.0.2: dedicated ETCD partition /dev/sda5 (phase ready): a reset must wipe EPHEMERAL and ETCD',
    });
  });

  it('a directory under EPHEMERAL (Talos 1.13, recorded): wipe EPHEMERAL', () => {
    expect(derive('172.20.0.2', recorded('v1.13/volume-status/directory'))).toEqual({
      ok: true,
      outputs: { labels: 'EPHEMERAL', dedicated: false, layout: 'etcd data is a directory on EPHEMERAL' },
      summary: '172.20.0.2: etcd data is a directory on EPHEMERAL; a reset wipes EPHEMERAL',
    });
  });

  it("NotFound (recorded: a Talos without an ETCD volume) means etcd's data is under EPHEMERAL", () => {
    const stderr = readFileSync(join(FIX, 'v1.13/volume-status/not-found/stderr.txt'), 'utf8');
    const read = failedRead(
      toNodeOutcome({
        argv: [],
        binary: 'talosctl',
        node: '172.20.0.2',
        pid: 1,
        exitCode: 1,
        signal: null,
        stdout: '',
        stderr,
        durationMs: 5,
        timedOut: false,
        canceled: false,
      }),
    );
    expect(derive('172.20.0.2', read)).toMatchObject({
      ok: true,
      outputs: {
        labels: 'EPHEMERAL',
        dedicated: false,
        layout: 'this Talos has no ETCD volume: etcd data lives in /var/lib/etcd on EPHEMERAL',
      },
    });
  });

  it('names no labels on any other failure: a wipe that misses the data brings the old member back', () => {
    expect(derive('10.0.0.2', FAILED.timeout)).toEqual({
      ok: false,
      reason: 'cannot tell where 10.0.0.2 keeps etcd data: 10.0.0.2 did not answer (talosctl timed out)',
    });
    expect(derive('10.0.0.2', FAILED.unparsed)).toMatchObject({ ok: false });
    expect(etcdVolume.derive(readsWith({}), { node: '10.0.0.2' })).toEqual({
      ok: false,
      reason: 'cannot tell where 10.0.0.2 keeps etcd data: 10.0.0.2 was not read',
    });
  });

  it("takes the node's own row or one without a node, never another node's", () => {
    expect(derive('10.0.0.2', row('', { type: 'directory' }))).toMatchObject({
      ok: true,
      outputs: { labels: 'EPHEMERAL' },
    });
    expect(derive('10.0.0.2', row('10.0.0.3', {}))).toEqual({
      ok: false,
      reason: 'get volumestatus ETCD on 10.0.0.2 printed no row for 10.0.0.2',
    });
  });

  it('a partition without a device or phase still says so; a volume of another type names no label', () => {
    expect(derive('10.0.0.2', row('10.0.0.2', { phase: '' }))).toEqual({
      ok: true,
      outputs: {
        labels: 'EPHEMERAL,ETCD',
        dedicated: true,
        layout: 'etcd data is on a dedicated ETCD partition: wiping EPHEMERAL alone would leave it',
      },
      summary: '10.0.0.2: dedicated ETCD partition (phase ?): a reset must wipe EPHEMERAL and ETCD',
    });
    expect(derive('10.0.0.2', row('10.0.0.2', { type: 'disk' }))).toEqual({
      ok: false,
      reason: '10.0.0.2 keeps etcd data on a volume of type disk: no reset label is known to clear it; wipe it by hand',
    });
  });
});
