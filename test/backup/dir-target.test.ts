import { mkdtempSync, readdirSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Readable } from 'node:stream';
import { describe, expect, it, onTestFinished } from 'vitest';
import { dirTarget } from '../../src/backup/dir-target.js';
import { targetContract } from './target-contract.js';

function tempRoot(): string {
  const dir = mkdtempSync(join(tmpdir(), 'tdr-dir-target-'));
  onTestFinished(() => rmSync(dir, { recursive: true, force: true }));
  return dir;
}

describe('directory target', () => {
  targetContract(async () => dirTarget(tempRoot()));

  it('writes objects private (0600) and leaves no temp file behind', async () => {
    const root = tempRoot();
    const t = dirTarget(root);
    await t.put('c/a.db.gz', Readable.from([Buffer.from('x')]));
    expect(statSync(join(root, 'c/a.db.gz')).mode & 0o777).toBe(0o600);
    expect(readdirSync(join(root, 'c'))).toEqual(['a.db.gz']);
  });

  it('does not list a temp file a concurrent writer left', async () => {
    const root = tempRoot();
    const t = dirTarget(root);
    const slow = new Readable({ read() {} });
    slow.push(Buffer.alloc(10));
    const pending = t.put('c/b.db.gz', slow);
    await new Promise((r) => setTimeout(r, 20));
    expect(await t.list('c/')).toEqual([]);
    slow.push(null);
    await pending;
    expect(await t.list('c/')).toEqual(['c/b.db.gz']);
  });
});
