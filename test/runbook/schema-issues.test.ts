import { describe, expect, it } from 'vitest';
import { RunbookSchema } from '../../src/runbook/schema.js';
import { describeValue, issuesToDiagnostics, kindsOf, valueAt } from '../../src/runbook/schema-issues.js';

/** zod's issues in the words of a runbook author, each with the YAML path it is about. */

const base = { apiVersion: 'talos-dr/v1', kind: 'Runbook', metadata: { name: 'x', title: 'X' } };
function diagnose(doc: unknown) {
  const r = RunbookSchema.safeParse(doc);
  if (r.success) return [];
  return issuesToDiagnostics(r.error.issues, doc).map((d) => ({ code: d.code, at: d.at, message: d.message }));
}

describe('issuesToDiagnostics', () => {
  it('an unknown key in a step names the keys that step kind knows', () => {
    const [d] = diagnose({ ...base, steps: [{ id: 'a', talosctl: ['etcd', 'status'], nodes: ['n'], retires: 2 }] });
    expect(d?.code).toBe('RB1102');
    expect(d?.at).toEqual(['steps', 0, 'retires']);
    expect(d?.message).toContain('retires');
  });

  it('a wrong type says what was expected and what was found', () => {
    const [d] = diagnose({ ...base, steps: 'x' });
    expect(d?.code).toBe('RB1101');
    expect(d?.message).toContain('a list');
    expect(d?.message).toContain('a string ("x")');
  });

  it('a missing title and a bad step id: both, a missing field at the mapping that lacks it', () => {
    const ds = diagnose({
      ...base,
      metadata: { name: 'x' },
      steps: [{ id: 'Bad Id!', talosctl: ['version'], nodes: ['n'] }],
    });
    expect(ds).toEqual([
      { code: 'RB1103', at: ['metadata'], message: 'metadata.title: missing required field (a string)' },
      { code: 'RB1106', at: ['steps', 0, 'id'], message: 'steps[0].id: "Bad Id!" is not a valid id' },
    ]);
  });

  it('a valid runbook has no issues to turn', () => {
    expect(diagnose({ ...base, steps: [{ id: 'a', end: { outcome: 'success', message: 'done' } }] })).toEqual([]);
  });
});

describe('the small readers', () => {
  it('valueAt walks mappings and lists, and stops at a scalar', () => {
    const doc = { steps: [{ id: 'a', talosctl: ['etcd'] }] };
    expect(valueAt(doc, ['steps', 0, 'talosctl', 0])).toBe('etcd');
    expect(valueAt(doc, ['steps', 0, 'id', 'x'])).toBeUndefined();
    expect(valueAt(doc, ['nope', 1])).toBeUndefined();
    expect(valueAt(doc, [])).toBe(doc);
  });

  it('kindsOf lists the kind keys a step has', () => {
    expect(kindsOf({ id: 'a', talosctl: [], precondition: {} })).toEqual(['talosctl', 'precondition']);
    expect(kindsOf({ id: 'a' })).toEqual([]);
    expect(kindsOf(['talosctl'])).toEqual([]);
    expect(kindsOf(null)).toEqual([]);
  });

  it('describeValue reads a value as a message names it', () => {
    expect([null, undefined, [], {}, 'x', 3, true].map(describeValue)).toEqual([
      'nothing',
      'nothing',
      'a list',
      'a mapping',
      'a string ("x")',
      'a number (3)',
      'a boolean (true)',
    ]);
  });
});
