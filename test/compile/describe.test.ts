import { describe, expect, it } from 'vitest';
import { describeRunbook, renderDescription, type StepDescription } from '../../src/compile/describe.js';
import { builtin } from '../helpers/runbook-doc.js';

/** `talos-dr describe`: what each step does and what it needs, irreversible steps marked. */

const flat = (steps: StepDescription[]): StepDescription[] => steps.flatMap((s) => [s, ...flat(s.steps ?? [])]);

describe('describeRunbook', () => {
  const d = describeRunbook(builtin('replace-lost-member'));
  const byId = Object.fromEntries(flat(d.steps).map((s) => [s.id, s]));

  it('an irreversible step: marked, with its command, the confirm and recheck it needs, and why', () => {
    expect(byId.leave).toMatchObject({ kind: 'talosctl', effect: 'irreversible', irreversible: true });
    expect(byId.leave?.requires).toBe('a typed confirm and a live recheck');
    expect(byId.leave?.command).toMatch(/^talosctl etcd leave/);
    expect(byId.leave?.why?.length).toBeGreaterThan(10);
  });

  it('a disruptive step needs a quorum check; a local write must not overwrite; a read needs nothing', () => {
    expect(byId['forfeit-leadership']?.requires).toBe('a fresh quorum check (leadership out of service)');
    expect(byId['forfeit-leadership']?.irreversible).toBe(false);
    expect(byId['safety-snapshot']?.requires).toBe('its local file must not exist (never overwritten)');
    const reads = flat(d.steps).filter((s) => s.effect === 'read');
    for (const s of reads) expect(s.requires).toBeUndefined();
  });

  it('exactly the irreversible steps are marked', () => {
    const marked = flat(d.steps)
      .filter((s) => s.irreversible)
      .map((s) => s.id);
    expect(marked.sort()).toEqual(['leave', 'remove-member']);
  });

  it('a param is required exactly when it has no default', () => {
    for (const p of d.params) expect(p.required).toBe(p.default === undefined);
    expect(d.params.find((p) => p.name === 'nodes')).toMatchObject({ type: 'nodes', required: true });
  });
});

describe('renderDescription', () => {
  it('names the runbook, its params, each step with its kind and effect, and warns on irreversible ones', () => {
    const text = renderDescription(describeRunbook(builtin('replace-lost-member')));
    const lines = text.split('\n');
    expect(lines[0]).toMatch(/^replace-lost-member: /);
    expect(text).toContain('\nParams:\n  nodes (nodes, required): ');
    expect(lines.filter((l) => l.includes('⚠ IRREVERSIBLE'))).toHaveLength(2);
    expect(text).toMatch(/\n {2}- ⚠ IRREVERSIBLE leave \[talosctl, irreversible\] .*: talosctl etcd leave/);
    expect(text).toMatch(/\n {6}needs a typed confirm and a live recheck: /);
    expect(text.endsWith('\n')).toBe(true);
  });

  it('a runbook with nothing irreversible shows no warning', () => {
    expect(renderDescription(describeRunbook(builtin('rolling-defrag')))).not.toContain('IRREVERSIBLE');
  });
});
