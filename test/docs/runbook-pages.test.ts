import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { notesProblems, renderRunbookPage } from '../../src/docs/runbook-page.js';

// The docs pages are generated from the runbooks: this fails when one is stale or missing, or
// when a runbook has no notes (what can go wrong, how to roll back). Fix: `npm run gen:docs`.
const root = new URL('../../', import.meta.url);
const read = (p: string): string | undefined => {
  const u = new URL(p, root);
  return existsSync(u) ? readFileSync(u, 'utf8') : undefined;
};
const names = readdirSync(new URL('runbooks/', root))
  .filter((f) => f.endsWith('.yaml'))
  .map((f) => f.replace(/\.yaml$/, ''))
  .sort();

describe('runbook docs pages', () => {
  it('covers the seven built-in runbooks', () => {
    expect(names).toEqual([
      'backup-snapshot',
      'health-check',
      'member-not-syncing',
      'nospace-recovery',
      'replace-lost-member',
      'restore-from-snapshot',
      'rolling-defrag',
    ]);
  });

  for (const name of names) {
    it(`docs/runbooks/${name}.md is generated from the current runbook and notes`, () => {
      const r = renderRunbookPage(
        read(`runbooks/${name}.yaml`) ?? '',
        `runbooks/${name}.yaml`,
        read(`runbooks/${name}.notes.md`),
      );
      expect(r.ok ? [] : r.problems).toEqual([]);
      if (!r.ok) return;
      const page = read(`docs/runbooks/${name}.md`);
      expect(page, `docs/runbooks/${name}.md is missing: run npm run gen:docs`).toBeDefined();
      expect(page === r.page, `docs/runbooks/${name}.md is stale: run npm run gen:docs`).toBe(true);
    });
  }

  it('marks every irreversible step and every gate, and embeds the graph', () => {
    const r = renderRunbookPage(
      read('runbooks/restore-from-snapshot.yaml') ?? '',
      'runbooks/restore-from-snapshot.yaml',
      read('runbooks/restore-from-snapshot.notes.md'),
    );
    if (!r.ok) throw new Error(r.problems.join('\n'));
    expect(r.page).toContain(
      '| ↳ `wipe` | talosctl | ⚠ **irreversible** | Wipe the volumes holding etcd data and reboot (no graceful leave): `talosctl reset --graceful=false --reboot --system-labels-to-wipe {volume.labels}` |',
    );
    expect(r.page).toContain('Irreversible steps: `wipe`, `bootstrap`, `bootstrap-raw`.');
    expect(r.page).toMatch(
      /- \*\*`confirm-wipe-member`\*\* \(confirm; type `\{wiped\.member\}`\): .* Guards: `wipe`\./,
    );
    expect(r.page).toContain(
      '| `quorum-lost` | precondition | `quorum-lost` nodes=`{params.nodes}`, voters=`{params.members}` |',
    );
    expect(r.page).toMatch(/```mermaid\nstateDiagram-v2\n[\s\S]*class .*wipe.* irreversible/);
  });

  it('refuses a runbook without notes, or with notes lacking a required section', () => {
    const yaml = read('runbooks/health-check.yaml') ?? '';
    expect(renderRunbookPage(yaml, 'runbooks/health-check.yaml', undefined)).toEqual({
      ok: false,
      problems: ['runbooks/health-check.notes.md is missing: write what can go wrong and how to roll back'],
    });
    expect(notesProblems('## What can go wrong\n\nx\n', 'x')).toEqual([
      'runbooks/x.notes.md has no "## How to roll back" section',
    ]);
  });

  it('a page goes stale when its runbook changes', () => {
    const yaml = read('runbooks/health-check.yaml') ?? '';
    const notes = read('runbooks/health-check.notes.md');
    const changed = yaml.replace('title: Check etcd health', 'title: Check etcd health now');
    const r = renderRunbookPage(changed, 'runbooks/health-check.yaml', notes);
    expect(r.ok && r.page !== read('docs/runbooks/health-check.md')).toBe(true);
  });
});
