import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { isTalosDrError } from '../../src/io/errors.js';
import { checkArgs, checkNode } from '../../src/talos/argv-guard.js';
import { SHAPES } from '../../src/talos/commands.js';
import { mayReadConnection } from './pflag-oracle.js';

/**
 * The last gate before a spawn. Its guarantee: no spelling of a flag lets a runbook's argv move
 * the call to another node, endpoint, cluster or talosconfig, and no node value can be read as a
 * flag or fan out to several nodes. Each case below names the exact refusal the user sees.
 */

/** The error thrown, as code and message: the guard must refuse with a coded, worded error. */
function refusal(f: () => unknown): { code: string; message: string } {
  try {
    f();
  } catch (e) {
    if (!isTalosDrError(e)) throw e;
    return { code: e.code, message: e.message };
  }
  throw new Error('expected a refusal, got none');
}

const node = (value: unknown) => refusal(() => checkNode(value));
const nodeRefused = (shown: string, reason: string) => ({
  code: 'TDR_TALOSCTL_BAD_NODE',
  message: `talosctl node ${JSON.stringify(shown)} refused: ${reason}`,
});

describe('checkNode: one address or host name, nothing else', () => {
  it.each([
    '10.5.0.2',
    '127.0.0.3',
    'cp-1',
    'cp-1.example.com',
    'fd00::2',
    '[fd00::2]',
    'fe80::1%eth0',
    'a'.repeat(253),
  ])('accepts %s unchanged', (n) => {
    expect(checkNode(n)).toBe(n);
  });

  it('refuses what is not a string, naming it', () => {
    expect(node(42)).toEqual(nodeRefused('42', 'not a string'));
    expect(node(undefined)).toEqual(nodeRefused('undefined', 'not a string'));
    expect(node(['10.5.0.2'])).toEqual(nodeRefused('10.5.0.2', 'not a string'));
  });

  it('refuses the empty node (talosctl would fall back to its talosconfig nodes)', () => {
    expect(node('')).toEqual(nodeRefused('', 'empty'));
  });

  it('refuses 254 characters, one past the DNS limit it accepts', () => {
    expect(node('a'.repeat(254))).toEqual(nodeRefused('a'.repeat(254), 'longer than 253 characters'));
  });

  it('refuses a node talosctl would read as a flag', () => {
    const why = "starts with '-' (would be read as a flag)";
    expect(node('-n')).toEqual(nodeRefused('-n', why));
    expect(node('--nodes=10.5.0.9')).toEqual(nodeRefused('--nodes=10.5.0.9', why));
    expect(node('-')).toEqual(nodeRefused('-', why));
  });

  it('refuses whitespace and control characters anywhere', () => {
    const why = 'contains whitespace or control characters';
    for (const n of ['10.5.0.2 ', ' 10.5.0.2', '10.5.0.2\n-e', 'cp\t1', 'cp\u00001', 'cp\u007f1', 'cp\u001b1'])
      expect(node(n)).toEqual(nodeRefused(n, why));
  });

  it('refuses a list: a comma would fan the call out to several nodes', () => {
    expect(node('10.5.0.2,10.5.0.3')).toEqual(nodeRefused('10.5.0.2,10.5.0.3', "contains ',' (one node per call)"));
    expect(node(',')).toEqual(nodeRefused(',', "contains ',' (one node per call)"));
  });

  it('refuses a look-alike dash and other characters no address or host name has', () => {
    const why = 'not an IP address or host name';
    for (const n of ['\u201310.5.0.2', '\u2212n', '.cp', '_cp', 'cp/1', 'cp=1', '$(id)', 'cp;1', 'ср-1'])
      expect(node(n)).toEqual(nodeRefused(n, why));
  });
});

const argv = (value: unknown) => refusal(() => checkArgs(value));
const argRefused = (index: number, reason: string) => ({
  code: 'TDR_TALOSCTL_BAD_ARGV',
  message: `talosctl argument ${index} refused: ${reason}`,
});
const chooses = (flag: string) =>
  `${flag} chooses which cluster or nodes talosctl reaches: only talos-dr sets it (give node: / nodes:)`;

describe('checkArgs: strings only, and nothing that reaches another node or cluster', () => {
  it('returns the argv as given: nothing added, nothing dropped, a copy', () => {
    const a = ['logs', 'etcd', '--tail', '5', '--tail', '6'];
    const out = checkArgs(a);
    expect(out).toEqual(['logs', 'etcd', '--tail', '5', '--tail', '6']);
    expect(out).not.toBe(a);
    expect(checkArgs([])).toEqual([]);
  });

  it('lets an unknown command through as data: classify, not the guard, makes it irreversible', () => {
    // the guard refuses only what could change the target; '' is an argument talosctl rejects itself
    expect(checkArgs(['etcd', 'members', ''])).toEqual(['etcd', 'members', '']);
    expect(checkArgs(['frobnicate', '--yes'])).toEqual(['frobnicate', '--yes']);
  });

  it('refuses what is not an array of strings, naming the index', () => {
    expect(argv('etcd members')).toEqual(argRefused(-1, 'not an array'));
    expect(argv(undefined)).toEqual(argRefused(-1, 'not an array'));
    expect(argv(['etcd', 7])).toEqual(argRefused(1, 'not a string'));
    expect(argv(['etcd', 'members', null])).toEqual(argRefused(2, 'not a string'));
  });

  it('refuses a NUL byte (execve would cut the argument there)', () => {
    expect(argv(['etcd', 'snapshot', 'a\u0000b'])).toEqual(argRefused(2, 'contains a NUL byte'));
  });

  it.each([
    [['etcd', 'members', '--nodes=10.5.0.9'], 2, '--nodes'],
    [['etcd', 'members', '--nodes', '10.5.0.9,10.5.0.10'], 2, '--nodes'],
    [['etcd', 'members', '-n', '10.5.0.9'], 2, '-n'],
    [['etcd', 'members', '-n10.5.0.9'], 2, '-n10.5.0.9'],
    [['etcd', 'members', '-n=10.5.0.9'], 2, '-n'],
    [['etcd', 'members', '--endpoints', '10.5.0.9'], 2, '--endpoints'],
    [['etcd', 'members', '-e=10.5.0.9'], 2, '-e'],
    [['etcd', 'members', '--talosconfig=/tmp/other'], 2, '--talosconfig'],
    [['etcd', 'members', '--context', 'prod'], 2, '--context'],
    [['etcd', 'members', '-c', 'prod'], 2, '-c'],
    [['etcd', 'members', '--cluster=prod'], 2, '--cluster'],
    [['etcd', 'members', '--siderov1-keys-dir', '/k'], 2, '--siderov1-keys-dir'],
    // after `--` pflag reads it as an argument, but a reader sees a flag: refused all the same
    [['etcd', 'members', '--', '-n', '10.5.0.9'], 3, '-n'],
    // as the value of another flag it is data to pflag, a target to a reader
    [['logs', 'etcd', '--tail', '--nodes=10.5.0.9'], 3, '--nodes'],
    // repeated: the first one is named
    [['etcd', 'status', '-n', 'a', '-n', 'b'], 2, '-n'],
    // on a command talos-dr does not know
    [['frobnicate', '--endpoints=x'], 1, '--endpoints'],
  ])('refuses %j at argument %i (%s)', (a, index, flag) => {
    expect(argv(a)).toEqual(argRefused(index, chooses(flag)));
  });

  it('refuses -n hidden in a cluster of short flags (pflag reads -fn10.5.0.9 as -f -n 10.5.0.9)', () => {
    expect(argv(['logs', 'etcd', '-fn10.5.0.9'])).toEqual(
      argRefused(
        2,
        '-fn10.5.0.9 sets --nodes, which chooses which cluster or nodes talosctl reaches: only talos-dr sets it (give node: / nodes:)',
      ),
    );
    expect(argv(['logs', 'etcd', '-fe', '10.5.0.9'])).toEqual(
      argRefused(
        2,
        '-fe sets --endpoints, which chooses which cluster or nodes talosctl reaches: only talos-dr sets it (give node: / nodes:)',
      ),
    );
  });

  it('refuses a cluster talos-dr cannot read past that may hold -n, -e or -c', () => {
    // -x is no flag of `etcd members`: pflag stops there, talosctl may know it, and 'n' follows
    expect(argv(['etcd', 'members', '-xn10.5.0.9'])).toEqual(
      argRefused(
        2,
        '-xn10.5.0.9 combines short flags that talosctl may read as -n, -e or -c (which node or cluster it reaches)',
      ),
    );
    // an unknown command: its flags cannot be told apart
    expect(argv(['frobnicate', '-yc', 'prod'])).toEqual(
      argRefused(
        1,
        '-yc may be read by talosctl as -n, -e or -c (which node or cluster it reaches); the command is unknown, so its flags cannot be told apart',
      ),
    );
  });

  it.each([
    ['\u2013nodes=10.5.0.9', '2013'],
    ['\u2014n', '2014'],
    ['\u2212e', '2212'],
    ['\uff0dn', 'FF0D'],
    ['\u00adn', '00AD'],
  ])('refuses the look-alike dash in %j (U+%s)', (tok, hex) => {
    expect(argv(['etcd', 'members', tok])).toEqual(
      argRefused(
        2,
        `"${tok}" starts with U+${hex}, which looks like '-' but is not: talosctl would read it as an argument`,
      ),
    );
  });

  it('does not refuse a value that only contains a connection flag name', () => {
    // --nodes inside a path is data: only a token that starts like the flag reads as one
    expect(checkArgs(['etcd', 'snapshot', './--nodes=x.db'])).toEqual(['etcd', 'snapshot', './--nodes=x.db']);
    expect(checkArgs(['logs', 'etcd', '--tail', '5'])).toEqual(['logs', 'etcd', '--tail', '5']);
  });
});

describe('checkArgs against the pflag oracle (random argv, the run seed)', () => {
  const ATTACKS = [
    '-n',
    '-e',
    '-c',
    '-nx',
    '-fn',
    '-fn10.0.0.9',
    '-in',
    '-ie',
    '-zc',
    '-n=x',
    '--nodes',
    '--nodes=a,b',
    '--endpoints=x',
    '--talosconfig',
    '--context=p',
    '--cluster',
    '--siderov1-keys-dir',
    '--',
    '-',
    '',
    '-f',
    '-i',
    '--tail',
    '5',
    '--force',
    '--mode=reboot',
    '10.0.0.9',
    'etcd',
    '\u2013n',
    '\u2212nodes',
    '--Nodes=x',
    '--node=x',
    '-N',
  ];
  const words = fc.constantFrom(...SHAPES.flatMap((x) => [x.path, ...(x.aliases ?? [])]), ['frobnicate']);
  const argvs = fc.tuple(words, fc.array(fc.constantFrom(...ATTACKS), { maxLength: 5 })).map(([w, t]) => [...w, ...t]);

  it('refuses every argv talosctl could read a connection flag from; passes the others through unchanged', () => {
    fc.assert(
      fc.property(argvs, (argv) => {
        let out: string[] | undefined;
        try {
          out = checkArgs(argv);
        } catch (e) {
          expect(isTalosDrError(e) && e.code).toBe('TDR_TALOSCTL_BAD_ARGV');
        }
        if (mayReadConnection(argv)) expect(out, JSON.stringify(argv)).toBeUndefined();
        if (out !== undefined) expect(out).toEqual(argv);
      }),
      { numRuns: 600 },
    );
  });
});
