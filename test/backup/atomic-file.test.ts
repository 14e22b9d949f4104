import { mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { writeFileAtomic } from '../../src/backup/atomic-file.js';
import { isTalosDrError } from '../../src/io/errors.js';

const dir = mkdtempSync(join(tmpdir(), 'tdr-atomic-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe('writeFileAtomic', () => {
  it('replaces the file whole, with exactly the mode asked whatever the umask, and leaves no temp file', () => {
    const path = join(dir, 'backup.prom');
    writeFileSync(path, 'old\n');
    const before = process.umask(0o077);
    try {
      writeFileAtomic(path, 'talos_dr_backup_age_seconds 60\n');
    } finally {
      process.umask(before);
    }
    expect(readFileSync(path, 'utf8')).toBe('talos_dr_backup_age_seconds 60\n');
    expect(statSync(path).mode & 0o777).toBe(0o644);
    writeFileAtomic(path, 'x', 0o600);
    expect(statSync(path).mode & 0o777).toBe(0o600);
    expect(readdirSync(dir)).toEqual(['backup.prom']);
  });

  it('a directory that is not there: a coded error naming the path, the old file untouched, no temp left', () => {
    const path = join(dir, 'missing', 'backup.prom');
    let caught: unknown;
    try {
      writeFileAtomic(path, 'x');
    } catch (e) {
      caught = e;
    }
    expect(isTalosDrError(caught) && caught.code).toBe('TDR_BACKUP_OUT_WRITE');
    expect(isTalosDrError(caught) && caught.message).toMatch(new RegExp(`^--out ${path}: cannot write it \\(ENOENT`));
  });

  it('a path that is a directory: refused, the directory kept, no temp left', () => {
    const path = join(dir, 'adir');
    mkdirSync(path);
    expect(() => writeFileAtomic(path, 'x')).toThrow(/cannot write it/);
    expect(statSync(path).isDirectory()).toBe(true);
    expect(readdirSync(dir).filter((f) => f.endsWith('.tmp'))).toEqual([]);
  });
});
