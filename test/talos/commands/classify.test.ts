import { describe, expect, it } from 'vitest';
import { classify, classOf } from '../../../src/talos/commands/classify.js';
import { SNAPSHOT_OUTPUTS } from '../../../src/talos/commands/outputs.js';
import { OPAQUE, type Token } from '../../../src/talos/flag-grammar.js';

/**
 * classify.ts's own decisions, between the registry's shapes and the flag grammar: what an argv
 * not matched exactly is called and why, which grammar problems become refusals, the argument
 * count, and the class of a match (its shape name, local file index and outputs).
 */

const SUFFIX = ': anything not matched exactly is treated as irreversible';
const unknown = (shape: string, reason: string) => ({
  ok: true,
  value: {
    effect: 'irreversible',
    shape,
    known: false,
    reason: `${reason}${SUFFIX}`,
    destroys: 'does something talos-dr does not know: treat it as destroying data',
    outOfService: 'node',
    gate: true,
    localFile: undefined,
    outputs: undefined,
  },
});
const refusal = (index: number, flag: string, reason: string) => ({ ok: false, refusal: { index, flag, reason } });

describe('an argv no shape matches', () => {
  const NOT = 'not a talosctl command shape talos-dr knows';

  it('is irreversible and gated, named by its leading words', () => {
    expect(classify(['etcd', 'compact', '--physical'])).toEqual(unknown('etcd compact', NOT));
    expect(classify(['frobnicate'])).toEqual(unknown('frobnicate', NOT));
  });

  it('named by its first token when it starts with a flag or a ref, empty when there is none', () => {
    expect(classify(['--insecure', 'etcd', 'members'])).toEqual(unknown('--insecure', NOT));
    expect(classify([OPAQUE, 'members'])).toEqual(unknown('<ref>', NOT));
    expect(classify(['etcd', OPAQUE])).toEqual(unknown('etcd', NOT));
    expect(classify([])).toEqual(unknown('', NOT));
  });

  it('is refused when a short cluster in it may hold -n, -e or -c', () => {
    expect(classify(['frobnicate', '-xe', 'prod'])).toEqual(
      refusal(
        1,
        '-xe',
        '-xe may be read by talosctl as -n, -e or -c (which node or cluster it reaches); the command is unknown, so its flags cannot be told apart',
      ),
    );
  });
});

describe('grammar problems on a known shape', () => {
  it('an unknown flag is not matched exactly, named', () => {
    expect(classify(['etcd', 'defrag', '--bogus'])).toEqual(unknown('etcd defrag', 'etcd defrag has no flag --bogus'));
    expect(classify(['etcd', 'defrag', '-x'])).toEqual(unknown('etcd defrag', 'etcd defrag has no flag -x'));
  });

  it('a value flag at the end with no value', () => {
    expect(classify(['logs', 'etcd', '--tail'])).toEqual(unknown('logs', '--tail needs a value'));
  });

  it('an unknown short letter followed by n, e or c is refused (talosctl may know the letter as a bool)', () => {
    expect(classify(['logs', 'etcd', '-zn10.5.0.9'])).toEqual(
      refusal(
        2,
        '-zn10.5.0.9',
        '-zn10.5.0.9 combines short flags that talosctl may read as -n, -e or -c (which node or cluster it reaches)',
      ),
    );
  });

  it('an unknown short letter followed by other letters is only not matched', () => {
    expect(classify(['logs', 'etcd', '-zq'])).toEqual(unknown('logs', 'logs has no flag -z'));
  });

  it('after the flag the grammar stopped at, a later cluster with n, e or c is still refused', () => {
    expect(classify(['logs', 'etcd', '--bogus', '-fc', 'prod'])).toMatchObject({
      ok: false,
      refusal: { index: 3, flag: '-fc' },
    });
  });
});

describe('connection flags read by the grammar', () => {
  it('-n inside a cluster of known flags is refused, naming the flag it sets', () => {
    expect(classify(['logs', 'etcd', '-fn', '10.5.0.9'])).toEqual(
      refusal(
        2,
        '-fn',
        '-fn sets --nodes, which chooses which cluster or nodes talosctl reaches: only talos-dr sets it (give node: / nodes:)',
      ),
    );
    expect(classify(['service', 'etcd', 'stop', '-ic', 'prod'])).toMatchObject({
      ok: false,
      refusal: { index: 3, flag: '-ic' },
    });
  });
});

describe('argument counts', () => {
  it('too few or too many positional arguments are not matched exactly', () => {
    expect(classify(['etcd', 'remove-member'])).toEqual(
      unknown('etcd remove-member', 'etcd remove-member takes <member-id> (1–1), got 0'),
    );
    expect(classify(['etcd', 'remove-member', 'a1', 'b2'])).toEqual(
      unknown('etcd remove-member', 'etcd remove-member takes <member-id> (1–1), got 2'),
    );
    expect(classify(['etcd', 'defrag', 'now'])).toEqual(unknown('etcd defrag', 'etcd defrag takes no argument, got 1'));
    expect(classify(['get'])).toEqual(unknown('get', 'get takes <type> <id> (1–8), got 0'));
  });

  it('a shape that says its argv is unknown is irreversible with its reason', () => {
    expect(classify(['etcd', 'remove-member', 'zz'])).toEqual(
      unknown('etcd remove-member', '"zz" is not a hex member id (talosctl parses it with ParseUint base 16)'),
    );
  });
});

describe('a match', () => {
  it('names the shape with the arguments given, and is known', () => {
    const r = classify(['etcd', 'remove-member', 'f3e2d1c0b9a89776']);
    expect(r).toMatchObject({
      ok: true,
      value: { shape: 'etcd remove-member <member-id>', known: true, effect: 'irreversible', localFile: undefined },
    });
    expect(classify(['get', 'members'])).toMatchObject({ value: { shape: 'get <type>' } });
    expect(classify(['get', 'volumestatus', 'ETCD'])).toMatchObject({ value: { shape: 'get <type> <id>' } });
    expect(classify(['get', 'a', 'b', 'c'])).toMatchObject({ value: { shape: 'get <type> <id>' } });
  });

  it("keeps a shape's own name when it gives one", () => {
    expect(classify(['service', 'etcd', 'stop'])).toMatchObject({ value: { shape: 'service <id> stop' } });
  });

  it('the local file is the argv index of the snapshot path, wherever it stands', () => {
    expect(classify(['etcd', 'snapshot', 'db.snap'])).toMatchObject({
      value: { effect: 'local-write', localFile: 2, outputs: SNAPSHOT_OUTPUTS },
    });
    expect(classify(['etcd', 'snapshot', '--', '-db.snap'])).toMatchObject({ value: { localFile: 3 } });
    expect(classify(['etcd', 'snapshot', OPAQUE])).toMatchObject({ value: { localFile: 2, known: true } });
  });

  it('the last of a repeated flag decides (pflag)', () => {
    expect(classify(['upgrade', '--force', '--force=false'])).toMatchObject({ value: { effect: 'disruptive' } });
    expect(classify(['upgrade', '--force=false', '--force'])).toMatchObject({ value: { effect: 'irreversible' } });
  });
});

describe('classOf', () => {
  it('is classify on a literal argv', () => {
    for (const a of [['etcd', 'members'], ['etcd', 'members', '-n', 'x'], ['nope']] as Token[][])
      expect(classOf(a as string[])).toEqual(classify(a));
  });
});
