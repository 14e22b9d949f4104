import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { basename, dirname, join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { discard, linkIntoPlace, targetTaken, temporaryBeside } from '../../src/engine/local-file.js';

/**
 * A local file a command writes is never replaced: a target that exists (even a dangling
 * symlink) is refused before the call, the command writes a temporary name beside it, and the
 * result is linked into place with link(2), which fails if the target appeared meanwhile.
 */
const dir = mkdtempSync(join(tmpdir(), 'talos-dr-local-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe('targetTaken', () => {
  it('a free path in an existing directory: free', () => {
    expect(targetTaken(join(dir, 'free.db'))).toBeUndefined();
  });

  it('an existing file: refused, saying it is never replaced', () => {
    const p = join(dir, 'taken.db');
    writeFileSync(p, 'x');
    expect(targetTaken(p)).toBe(
      `${p} already exists: talos-dr never replaces a file; choose another path or move it away`,
    );
  });

  it('a dangling symlink is taken too (writing through it would create a file elsewhere)', () => {
    const p = join(dir, 'dangling.db');
    symlinkSync(join(dir, 'nowhere'), p);
    expect(targetTaken(p)).toMatch(/already exists/);
  });

  it('a directory that does not exist: refused, naming the path', () => {
    const p = join(dir, 'no-such-dir', 'x.db');
    expect(targetTaken(p)).toBe(`the directory of ${p} does not exist`);
  });

  it('a path through a file (ENOTDIR): cannot be checked, with the reason', () => {
    const file = join(dir, 'plain');
    writeFileSync(file, 'x');
    expect(targetTaken(join(file, 'x.db'))).toMatch(new RegExp(`^${join(file, 'x.db')} cannot be checked: ENOTDIR`));
  });
});

describe('temporaryBeside', () => {
  it('a hidden name in the same directory, unique per call', () => {
    const target = join(dir, 'snap.db');
    const a = temporaryBeside(target);
    const b = temporaryBeside(target);
    expect(dirname(a)).toBe(dir);
    expect(basename(a)).toMatch(new RegExp(`^\\.snap\\.db\\.talos-dr-${process.pid}-[0-9a-f]{8}$`));
    expect(a).not.toBe(b);
  });
});

describe('linkIntoPlace', () => {
  it('links the temporary into place and removes the temporary name', () => {
    const target = join(dir, 'placed.db');
    const tmp = temporaryBeside(target);
    writeFileSync(tmp, 'new');
    expect(linkIntoPlace(tmp, target)).toEqual({ ok: true });
    expect(readFileSync(target, 'utf8')).toBe('new');
    expect(existsSync(tmp)).toBe(false);
  });

  it('a target that appeared meanwhile is not replaced; the new file is discarded', () => {
    const target = join(dir, 'raced.db');
    writeFileSync(target, 'someone else');
    const tmp = temporaryBeside(target);
    writeFileSync(tmp, 'ours');
    expect(linkIntoPlace(tmp, target)).toEqual({
      ok: false,
      reason: `${target} appeared while the command ran: it was not replaced; the new file was discarded`,
    });
    expect(readFileSync(target, 'utf8')).toBe('someone else');
    expect(existsSync(tmp)).toBe(false);
  });

  it('any other failure (no temporary was written) says it could not put the file there', () => {
    const target = join(dir, 'never.db');
    const r = linkIntoPlace(join(dir, 'missing-temporary'), target);
    expect(r.ok).toBe(false);
    expect(!r.ok && r.reason).toMatch(new RegExp(`^could not put the file at ${target}: ENOENT`));
    expect(existsSync(target)).toBe(false);
  });
});

describe('discard', () => {
  it("removes the temporary and talosctl's .part of it; absent files are fine", () => {
    const tmp = join(dir, '.d.db.tmp');
    writeFileSync(tmp, 'x');
    writeFileSync(`${tmp}.part`, 'y');
    discard(tmp);
    expect(readdirSync(dir).filter((f) => f.startsWith('.d.db.tmp'))).toEqual([]);
    expect(() => discard(tmp)).not.toThrow();
  });
});
