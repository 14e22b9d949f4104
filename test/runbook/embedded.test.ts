import { chmodSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it, onTestFinished } from 'vitest';
import { materializeRunbooks } from '../../src/runbook/embedded.js';

const temp = (): string => {
  const d = mkdtempSync(join(tmpdir(), 'tdr-embedded-'));
  onTestFinished(() => rmSync(d, { recursive: true, force: true }));
  return d;
};

describe('materializeRunbooks (the single executable lays out its built-in runbooks)', () => {
  const files = { 'a.yaml': 'name: a\n', 'b.yml': 'name: b\n' };

  it('writes each file once into a folder named by the content, read-only', () => {
    const root = temp();
    const dir = materializeRunbooks(files, root);
    expect(dir).toMatch(new RegExp(`^${root}/builtin-runbooks/[0-9a-f]{16}$`));
    expect(readdirSync(dir).sort()).toEqual(['a.yaml', 'b.yml']);
    expect(readFileSync(join(dir, 'a.yaml'), 'utf8')).toBe('name: a\n');
    expect(materializeRunbooks(files, root)).toBe(dir);
  });

  it('another content gets another folder: a log naming a runbook file never sees it change', () => {
    const root = temp();
    const one = materializeRunbooks(files, root);
    const two = materializeRunbooks({ ...files, 'a.yaml': 'name: a2\n' }, root);
    expect(two).not.toBe(one);
    expect(readFileSync(join(one, 'a.yaml'), 'utf8')).toBe('name: a\n');
  });

  it('rewrites a file found changed, with no temp file left behind', () => {
    const root = temp();
    const dir = materializeRunbooks(files, root);
    chmodSync(join(dir, 'a.yaml'), 0o644);
    writeFileSync(join(dir, 'a.yaml'), 'name: evil\n');
    materializeRunbooks(files, root);
    expect(readFileSync(join(dir, 'a.yaml'), 'utf8')).toBe('name: a\n');
    expect(readdirSync(dir).sort()).toEqual(['a.yaml', 'b.yml']);
  });

  it('refuses a name that is not a plain runbook file name', () => {
    const root = temp();
    expect(() => materializeRunbooks({ '../escape.yaml': 'x' }, root)).toThrow(/not a plain file name/);
    expect(() => materializeRunbooks({ 'notes.md': 'x' }, root)).toThrow(/not a plain file name/);
  });
});
