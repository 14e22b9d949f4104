import { createHash } from 'node:crypto';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { createSnapshotReader, hashHex, parseStatusJson, trailerMatches } from '../../src/engine/snapshot-reader.js';

/** A file shaped like an etcd snapshot: 512-byte pages + the sha256 of them. */
function fakeSnapshot(dir: string, pages: number): string {
  const body = Buffer.alloc(512 * pages, 7);
  const p = join(dir, 's.db');
  writeFileSync(p, Buffer.concat([body, createHash('sha256').update(body).digest()]));
  return p;
}

describe('snapshot reader', () => {
  it('parses etcdutl/etcdctl JSON and prints the uint32 hash as 8 hex digits', () => {
    expect(parseStatusJson('{"hash":3735928559,"revision":42,"totalKey":7,"totalSize":20480}')).toEqual({
      hash: 'deadbeef',
      revision: 42,
      totalKeys: 7,
      totalSize: 20480,
    });
    expect(hashHex(255)).toBe('000000ff');
    expect(parseStatusJson('{"hash":"x"}')).toBeUndefined();
  });

  it('checks the sha256 trailer and refuses a corrupt file before any tool is asked', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'snap-'));
    const p = fakeSnapshot(dir, 4);
    expect(await trailerMatches(p, 4 * 512 + 32)).toBe(true);
    const reader = createSnapshotReader({
      captures: () => ({ snap: { path: p, hash: 'abcd1234', revision: 9, totalKeys: 3 } }),
      cwd: dir,
      signal: new AbortController().signal,
    });
    expect(await reader.stat(p)).toEqual({ bytes: 2080 });
    expect(await reader.status(p)).toEqual({ hash: 'abcd1234', revision: 9, totalKeys: 3, totalSize: 0 });
    const buf = Buffer.alloc(512 * 4 + 32, 0);
    writeFileSync(p, buf); // same size, trailer no longer matches
    const st = await reader.status(p);
    expect('error' in st && st.error).toContain('corrupt');
    expect(await reader.stat(join(dir, 'missing'))).toBeNull();
  });
});
