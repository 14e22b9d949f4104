import { readdirSync, readFileSync } from 'node:fs';
import { join, relative } from 'node:path';
import { describe, expect, it } from 'vitest';
import { commandResult, recordedResult } from '../../src/talos/talosctl.js';

// One CommandResult constructor: a result built from a log, a recording or a skipped call has
// every field a live one has, with the "nothing happened" value where the call set none.

function tsFiles(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((e) =>
    e.isDirectory() ? tsFiles(join(dir, e.name)) : e.name.endsWith('.ts') ? [join(dir, e.name)] : [],
  );
}

describe('commandResult', () => {
  it('fills what the call did not set, and keeps only the optional fields that were set', () => {
    const r = commandResult({ argv: ['--nodes', 'n', 'etcd', 'status'], binary: 'b', node: 'n' });
    expect(r).toEqual({
      argv: ['--nodes', 'n', 'etcd', 'status'],
      binary: 'b',
      node: 'n',
      pid: undefined,
      exitCode: null,
      signal: null,
      stdout: '',
      stderr: '',
      durationMs: 0,
      timedOut: false,
      canceled: false,
    });
    expect('spawnError' in r || 'notAsked' in r).toBe(false);
    const skipped = commandResult({ argv: [], binary: 'b', node: 'n', timedOut: true, notAsked: 'earlier' });
    expect(skipped).toMatchObject({ timedOut: true, notAsked: 'earlier', canceled: false });
  });

  it('rebuilds a journaled call: its outputs and ending, no process, a missing node as ""', () => {
    const r = recordedResult({
      argv: ['etcd', 'members'],
      node: null,
      exitCode: 1,
      stdout: 'out',
      stderr: 'err',
      durationMs: 42,
      timedOut: true,
      notAsked: 'x',
    });
    expect(r).toEqual(
      commandResult({
        argv: ['etcd', 'members'],
        binary: 'talosctl',
        node: '',
        exitCode: 1,
        stdout: 'out',
        stderr: 'err',
        durationMs: 42,
        timedOut: true,
        notAsked: 'x',
      }),
    );
    expect(recordedResult({ ...r, node: 'n' }, 'replay').binary).toBe('replay');
  });

  it('is the only place in src/ that spells out a CommandResult', () => {
    // a literal with `canceled:` is a hand-built result; only the constructor may write one
    const offenders = tsFiles('src')
      .filter((f) => /\bcanceled: (true|false|f\.canceled)/.test(readFileSync(f, 'utf8')))
      .map((f) => relative('.', f));
    expect(offenders).toEqual(['src/talos/talosctl.ts']);
  });
});
