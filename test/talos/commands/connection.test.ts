import { describe, expect, it } from 'vitest';
import {
  CONNECTION_FLAGS,
  CONNECTION_LONG,
  connectionInCluster,
  refuseTokens,
  shown,
} from '../../../src/talos/commands/connection.js';
import { OPAQUE } from '../../../src/talos/flag-grammar.js';

/**
 * The flags only talos-dr may set (talosctl's persistent flags that pick the cluster, endpoints or
 * nodes), and the token-level refusals that need no command shape at all.
 */

const chooses = (flag: string) =>
  `${flag} chooses which cluster or nodes talosctl reaches: only talos-dr sets it (give node: / nodes:)`;

describe('CONNECTION_FLAGS', () => {
  it("are talosctl's root flags that choose what a call reaches, with their short letters", () => {
    expect(CONNECTION_FLAGS.map((f) => [f.long, f.short, f.kind])).toEqual([
      ['nodes', 'n', 'value'],
      ['endpoints', 'e', 'value'],
      ['talosconfig', undefined, 'value'],
      ['context', undefined, 'value'],
      ['cluster', 'c', 'value'],
      ['siderov1-keys-dir', undefined, 'value'],
    ]);
    expect([...CONNECTION_LONG].sort()).toEqual([
      'cluster',
      'context',
      'endpoints',
      'nodes',
      'siderov1-keys-dir',
      'talosconfig',
    ]);
  });
});

describe('shown', () => {
  it('a ref is <ref>, a string is itself', () => {
    expect(shown(OPAQUE)).toBe('<ref>');
    expect(shown('-n')).toBe('-n');
    expect(shown('')).toBe('');
  });
});

describe('refuseTokens: tokens refused wherever they stand', () => {
  it('refuses every spelling of a connection flag, named without its value', () => {
    const cases: [string, string][] = [
      ['-n', '-n'],
      ['-n10.5.0.9', '-n10.5.0.9'],
      ['-n=10.5.0.9', '-n'],
      ['-e', '-e'],
      ['-c', '-c'],
      ['-cprod', '-cprod'],
      ['--nodes', '--nodes'],
      ['--nodes=a,b', '--nodes'],
      ['--endpoints=x', '--endpoints'],
      ['--talosconfig', '--talosconfig'],
      ['--context=prod', '--context'],
      ['--cluster', '--cluster'],
      ['--siderov1-keys-dir=/k', '--siderov1-keys-dir'],
    ];
    for (const [tok, flag] of cases)
      expect(refuseTokens(['etcd', 'members', tok]), tok).toEqual({ index: 2, flag, reason: chooses(flag) });
  });

  it('leaves alone what only starts like one: a longer flag name, other letters, a value', () => {
    for (const tok of [
      '--nodesx',
      '--node',
      '--endpoint=x',
      '--contexts',
      '-x',
      '-N',
      '-fn',
      'n',
      'nodes',
      '---nodes',
      '-',
    ])
      expect(refuseTokens(['logs', tok]), tok).toBeUndefined();
  });

  it('skips refs and refuses a NUL byte', () => {
    expect(refuseTokens([OPAQUE, 'etcd'])).toBeUndefined();
    expect(refuseTokens(['etcd', 'snapshot', 'a\u0000b'])).toEqual({
      index: 2,
      flag: 'a\u0000b',
      reason: 'contains a NUL byte',
    });
  });

  it('refuses a look-alike dash, naming its code point in 4+ hex digits', () => {
    expect(refuseTokens(['x', '\u2010n'])).toEqual({
      index: 1,
      flag: '\u2010n',
      reason: `"\u2010n" starts with U+2010, which looks like '-' but is not: talosctl would read it as an argument`,
    });
    expect(refuseTokens(['\u00adnodes'])?.reason).toBe(
      `"\u00adnodes" starts with U+00AD, which looks like '-' but is not: talosctl would read it as an argument`,
    );
  });

  it('names the first refused token', () => {
    expect(refuseTokens(['a', '\u2212x', '-n', 'b'])?.index).toBe(1);
    expect(refuseTokens(['a', '--context=x', '\u2212x'])?.index).toBe(1);
  });
});

describe('connectionInCluster: a short cluster that may hold -n, -e or -c', () => {
  const why = (t: string) =>
    `${t} may be read by talosctl as -n, -e or -c (which node or cluster it reaches); the command is unknown, so its flags cannot be told apart`;

  it('finds n, e or c anywhere in a single-dash cluster', () => {
    expect(connectionInCluster(['frob', '-fn'], 0)).toEqual({ index: 1, flag: '-fn', reason: why('-fn') });
    expect(connectionInCluster(['frob', '-xyzc'], 0)?.flag).toBe('-xyzc');
    expect(connectionInCluster(['frob', '-ie'], 0)?.flag).toBe('-ie');
  });

  it('ignores long flags, plain words, refs, and clusters without those letters', () => {
    expect(connectionInCluster(['frob', '--ignore', 'nec', OPAQUE, '-xyz', '-'], 0)).toBeUndefined();
  });

  it('starts at the given index', () => {
    expect(connectionInCluster(['-n', 'frob', '-fe'], 1)?.index).toBe(2);
    expect(connectionInCluster(['-n', 'frob'], 1)).toBeUndefined();
  });
});
