import { describe, expect, it } from 'vitest';
import {
  DEFAULT_LAB_TALOS_VERSION,
  isLabTalosVersion,
  LAB_TALOS_VERSIONS,
  reportNodeErrors,
  singleNodeError,
  talosProfile,
} from '../../src/lab/talos-versions.js';

/** What the lab's talosctl changes per Talos version (docs/lab.md's table, column by column). */

describe('talosProfile', () => {
  it('matches docs/lab.md: semantics, status columns, ETCD volume, client tag', () => {
    expect(
      LAB_TALOS_VERSIONS.map((v) => {
        const p = talosProfile(v);
        return [v, p.tag, p.semantics, p.statusVersionColumns, p.etcdVolume];
      }),
    ).toEqual([
      ['1.8', 'v1.8.4', 'aggregated', false, 'none'],
      ['1.10', 'v1.10.7', 'aggregated', false, 'none'],
      ['1.11', 'v1.11.5', 'aggregated', true, 'none'],
      ['1.13', 'v1.13.9', 'aggregated', true, 'directory'],
      ['1.14', 'v1.14.0', 'per-node', true, 'directory'],
    ]);
    expect(talosProfile('1.14', true).etcdVolume).toBe('partition');
    expect(DEFAULT_LAB_TALOS_VERSION).toBe('1.14');
  });

  it('knows only the versions it can answer as ("1.1" is not "1.10")', () => {
    expect(['1.8', '1.14'].every(isLabTalosVersion)).toBe(true);
    expect(['1.1', '1.9', '1.12', 'v1.14', '1.14.0', ''].some(isLabTalosVersion)).toBe(false);
  });
});

describe('how a version reports failures', () => {
  const errs = [
    { node: '127.0.0.12', message: 'connection refused' },
    { node: '127.0.0.13', message: 'deadline exceeded' },
  ];

  it('≤ 1.13: a multierror, a WARNING with exit 0 while some node answered, else the verb and exit 1', () => {
    const p = talosProfile('1.13');
    expect(reportNodeErrors(p, 'etcd status', errs, 1)).toEqual({
      text: 'WARNING: 2 errors occurred:\n\t* 127.0.0.12: connection refused\n\t* 127.0.0.13: deadline exceeded\n\n',
      code: 0,
    });
    expect(reportNodeErrors(p, 'etcd status', errs.slice(0, 1), 0)).toEqual({
      text: 'etcd status: 1 error occurred:\n\t* 127.0.0.12: connection refused\n\n',
      code: 1,
    });
  });

  it('1.14: one line per node, exit 1 on any failure', () => {
    expect(reportNodeErrors(talosProfile('1.14'), 'etcd status', errs, 2)).toEqual({
      text: 'error from node 127.0.0.12: connection refused\nerror from node 127.0.0.13: deadline exceeded\n',
      code: 1,
    });
  });

  it('no failure: nothing, exit 0, on every version', () => {
    for (const v of LAB_TALOS_VERSIONS)
      expect(reportNodeErrors(talosProfile(v), 'x', [], 0)).toEqual({ text: '', code: 0 });
  });

  it('the single-node refusal in each wording', () => {
    expect(singleNodeError(talosProfile('1.8'), 'etcd snapshot', 3)).toBe(
      'command "etcd snapshot" is not supported with multiple nodes',
    );
    expect(singleNodeError(talosProfile('1.14'), 'etcd snapshot', 3)).toBe(
      'command "etcd snapshot" requires exactly one node (got 3)',
    );
  });
});
