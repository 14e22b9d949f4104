import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { parseOutputs, SNAPSHOT_OUTPUTS } from '../../../src/talos/commands/outputs.js';

/**
 * What a command's output yields to a step that captures it. The snapshot output is the real
 * talosctl v1.14 output recorded in fixtures/talosctl/v1.14/snapshot/ok/.
 */

const fixture = (rel: string) =>
  readFileSync(fileURLToPath(new URL(`../../../fixtures/talosctl/v1.14/snapshot/${rel}`, import.meta.url)), 'utf8');

describe('parseOutputs', () => {
  it('etcd snapshot yields path, size, hash, revision and keys', () => {
    const r = parseOutputs({ outputs: SNAPSHOT_OUTPUTS, shape: 'etcd snapshot <path>' }, fixture('ok/stdout.txt'), 0);
    expect(r).toEqual({
      ok: true,
      value: {
        path: 'db.snapshot',
        bytes: 2015264,
        hash: 'c25fd181',
        revision: 4193,
        totalKeys: 1287,
        totalSize: 3035136,
        trusted: true,
        infoPrinted: true,
      },
    });
  });

  it('a command that declares no outputs yields nothing, whatever it printed', () => {
    expect(
      parseOutputs({ outputs: undefined, shape: 'etcd snapshot <path>' }, fixture('ok/stdout.txt'), 0),
    ).toBeUndefined();
  });

  it('declared outputs on another shape yield nothing (only etcd snapshot has a parser)', () => {
    expect(
      parseOutputs({ outputs: SNAPSHOT_OUTPUTS, shape: 'etcd status' }, fixture('ok/stdout.txt'), 0),
    ).toBeUndefined();
  });

  it('passes the exit code to the parser: saved but exit 1 is not trusted (fixtures/talosctl/v1.14/snapshot/status-failed)', () => {
    const r = parseOutputs(
      { outputs: SNAPSHOT_OUTPUTS, shape: 'etcd snapshot <path>' },
      fixture('status-failed/stdout.txt'),
      1,
    );
    expect(r).toEqual({
      ok: true,
      value: {
        path: '/backups/etcd 1.db',
        bytes: 2015264,
        hash: '',
        revision: 0,
        totalKeys: 0,
        totalSize: 0,
        trusted: false,
        infoPrinted: false,
      },
    });
  });

  it('declares the five values a step may capture, with their types', () => {
    expect(Object.entries(SNAPSHOT_OUTPUTS).map(([k, v]) => [k, v.type])).toEqual([
      ['path', 'path'],
      ['bytes', 'number'],
      ['hash', 'string'],
      ['revision', 'number'],
      ['totalKeys', 'number'],
    ]);
  });
});
