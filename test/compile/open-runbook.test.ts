import { createHash } from 'node:crypto';
import { mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, relative } from 'node:path';
import { describe, expect, it, onTestFinished } from 'vitest';
import { openRunbook } from '../../src/compile/open-runbook.js';
import { MAX_RUNBOOK_BYTES } from '../../src/runbook/load.js';

// openRunbook reads a runbook once and hands back the text it compiled with that text's hash: what
// a run's log records is what ran, even when the file changes under it.

const version = (title: string) => `apiVersion: talos-dr/v1
kind: Runbook
metadata: { name: t-open, title: ${title} }
params:
  nodes: { type: nodes, description: nodes }
steps:
  - id: members
    talosctl: [etcd, members]
    nodes: { ref: params.nodes }
`;

const bytesSha = (b: Buffer | string): string => createHash('sha256').update(b).digest('hex');

function tmp(): string {
  const dir = mkdtempSync(join(tmpdir(), 'tdr-open-'));
  onTestFinished(() => rmSync(dir, { recursive: true, force: true }));
  return dir;
}

describe('openRunbook', () => {
  it('hashes exactly the bytes it compiled: the file overwritten after the open changes nothing', () => {
    const file = join(tmp(), 'r.yaml');
    writeFileSync(file, version('First version — ü'));
    const first = readFileSync(file);
    const r = openRunbook(file);
    writeFileSync(file, version('Second version'));
    if (!r.ok) throw new Error(JSON.stringify(r.errors));
    expect(r.text).toBe(first.toString('utf8'));
    expect(r.sha256).toBe(bytesSha(first));
    expect(r.sha256).not.toBe(bytesSha(readFileSync(file)));
    // the machine is the first version's too
    expect(r.runbook.metadata.title).toBe('First version — ü');
    expect(r.path).toBe(file);
  });

  it('an invalid runbook still gives the text and hash read (resume compares them first)', () => {
    const file = join(tmp(), 'bad.yaml');
    writeFileSync(file, 'apiVersion: talos-dr/v1\nkind: Runbook\n');
    const r = openRunbook(file, 'bad.yaml');
    expect(r.ok).toBe(false);
    expect(r.text).toBe('apiVersion: talos-dr/v1\nkind: Runbook\n');
    expect(r.sha256).toBe(bytesSha(readFileSync(file)));
    if (!r.ok) expect(r.errors.map((e) => e.file)).toContain('bad.yaml');
  });

  it('refuses a file over the size limit unread, naming it as typed', () => {
    const file = join(tmp(), 'big.yaml');
    writeFileSync(file, `# ${'x'.repeat(MAX_RUNBOOK_BYTES)}\n`);
    const r = openRunbook(file, 'runbooks/big.yaml');
    expect(r).toMatchObject({ ok: false, text: null, sha256: null });
    expect(r.ok ? [] : r.errors.map((e) => [e.code, e.file])).toEqual([['RB1001', 'runbooks/big.yaml']]);
  });

  it('a file of exactly the limit is read', () => {
    const file = join(tmp(), 'edge.yaml');
    const text = version('Edge');
    writeFileSync(file, text + '#'.repeat(MAX_RUNBOOK_BYTES - Buffer.byteLength(text)));
    const r = openRunbook(file);
    expect(r.text?.length).toBe(MAX_RUNBOOK_BYTES);
    expect(r.ok).toBe(true);
  });

  it('a missing file or a folder is TDR_FILE_NOT_FOUND naming the path as typed', () => {
    const dir = tmp();
    mkdirSync(join(dir, 'folder.yaml'));
    expect(() => openRunbook(join(dir, 'none.yaml'), 'none.yaml')).toThrow(/none\.yaml/);
    expect(() => openRunbook(join(dir, 'folder.yaml'), 'folder.yaml')).toThrow(/folder\.yaml/);
  });

  it('is the one way in: no module of src/ but open-runbook.ts (and the docs generator) lints a runbook itself', () => {
    const files = (d: string): string[] =>
      readdirSync(d, { withFileTypes: true }).flatMap((e) =>
        e.isDirectory() ? files(join(d, e.name)) : e.name.endsWith('.ts') ? [join(d, e.name)] : [],
      );
    const callers = files('src')
      .filter((f) => /\blintRunbook\(/.test(readFileSync(f, 'utf8')))
      .map((f) => relative('src', f))
      .sort();
    expect(callers).toEqual(['compile/lint.ts', 'compile/open-runbook.ts', 'docs/runbook-page.ts']);
  });
});
