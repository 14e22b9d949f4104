import { describe, expect, it } from 'vitest';
import { ETCD_SHAPES } from '../../../src/talos/commands/etcd-shapes.js';
import { SNAPSHOT_OUTPUTS } from '../../../src/talos/commands/outputs.js';
import { OPAQUE, type Token } from '../../../src/talos/flag-grammar.js';
import { verdictOf } from '../../helpers/shape-verdict.js';

/**
 * The etcd commands' own verdicts: what each destroys or takes out of service, whether a typed
 * gate is needed, and the argv values that make a command not matched exactly.
 */

const v = (words: string[], rest: Token[] = []) => verdictOf(ETCD_SHAPES, words, rest);
const cls = (words: string[], rest: Token[] = []) => {
  const x = v(words, rest);
  if ('unknown' in x) throw new Error(`unknown: ${x.unknown}`);
  return [x.effect, x.outOfService, x.gate];
};

describe('etcd shapes', () => {
  it('each effect, what it takes out of service, and the gate', () => {
    expect(cls(['etcd', 'alarm', 'disarm'])).toEqual(['irreversible', undefined, true]);
    expect(cls(['etcd', 'defrag'])).toEqual(['disruptive', 'member', false]);
    expect(cls(['etcd', 'forfeit-leadership'])).toEqual(['disruptive', 'leadership', false]);
    expect(cls(['etcd', 'leave'])).toEqual(['irreversible', 'member', true]);
    expect(cls(['etcd', 'remove-member'], ['0a1b'])).toEqual(['irreversible', 'member', true]);
    expect(cls(['etcd', 'snapshot'], ['db.snapshot'])).toEqual(['local-write', undefined, false]);
    expect(cls(['bootstrap'])).toEqual(['irreversible', undefined, true]);
  });

  it('only etcd snapshot writes a local file (its first argument) and has outputs', () => {
    const withOutputs = ETCD_SHAPES.filter((s) => s.outputs !== undefined || s.localFileArg !== undefined);
    expect(withOutputs.map((s) => [s.path.join(' '), s.localFileArg, s.outputs])).toEqual([
      ['etcd snapshot', 0, SNAPSHOT_OUTPUTS],
    ]);
  });

  it('the shapes with nothing to destroy say so (destroys is undefined)', () => {
    for (const w of [
      ['etcd', 'defrag'],
      ['etcd', 'forfeit-leadership'],
    ]) {
      const x = v(w);
      expect('unknown' in x ? 'unknown' : x.destroys, w.join(' ')).toBeUndefined();
    }
  });
});

describe('etcd remove-member <member-id>: the id talosctl parses with ParseUint base 16', () => {
  const destroys = (id: Token) => {
    const x = v(['etcd', 'remove-member'], [id]);
    return 'unknown' in x ? { unknown: x.unknown } : x.destroys;
  };

  it.each(['0a1b', 'f3e2d1c0b9a89776', 'F3E2D1C0B9A89776', '1', '12345'])('accepts %s and names it', (id) => {
    expect(destroys(id)).toBe(
      `removes the member ${id} from the etcd cluster for good: it can only come back by wiping its node and joining again`,
    );
  });

  it('a ref is accepted, without an id in the words', () => {
    expect(destroys(OPAQUE)).toBe(
      'removes the member from the etcd cluster for good: it can only come back by wiping its node and joining again',
    );
  });

  it.each(['f3e2d1c0b9a897761', '0x1f', 'xyz', '', '12 34'])('%j is not matched exactly', (id) => {
    expect(destroys(id)).toEqual({
      unknown: `${JSON.stringify(id)} is not a hex member id (talosctl parses it with ParseUint base 16)`,
    });
  });
});

describe('bootstrap: a new cluster, from a snapshot or not', () => {
  const tail = ': any other copy of the cluster data is no longer authoritative';
  const destroys = (rest: Token[]) => {
    const x = v(['bootstrap'], rest);
    return 'unknown' in x ? { unknown: x.unknown } : x.destroys;
  };

  it('plain, from a snapshot, from a ref', () => {
    expect(destroys([])).toBe(`creates a NEW etcd cluster from this node${tail}`);
    expect(destroys(['--recover-from', './db.snapshot'])).toBe(
      `creates a NEW etcd cluster from this node out of the snapshot ./db.snapshot${tail}`,
    );
    expect(destroys(['--recover-from', OPAQUE])).toBe(
      `creates a NEW etcd cluster from this node out of the snapshot${tail}`,
    );
  });

  it('names a skipped hash check, in each bool spelling talosctl accepts', () => {
    for (const skip of [
      '--recover-skip-hash-check',
      '--recover-skip-hash-check=true',
      '--recover-skip-hash-check=1',
      '--recover-skip-hash-check=T',
    ])
      expect(destroys(['--recover-from=x.db', skip]), skip).toBe(
        `creates a NEW etcd cluster from this node out of the snapshot x.db WITHOUT its hash check${tail}`,
      );
    expect(destroys(['--recover-from=x.db', '--recover-skip-hash-check=false'])).toBe(
      `creates a NEW etcd cluster from this node out of the snapshot x.db${tail}`,
    );
  });

  it('the last of repeated flags wins, as in pflag', () => {
    expect(destroys(['--recover-from=a.db', '--recover-from=b.db'])).toBe(
      `creates a NEW etcd cluster from this node out of the snapshot b.db${tail}`,
    );
  });

  it('a hash-check value that is not a bool is not matched exactly', () => {
    expect(destroys(['--recover-from=x.db', '--recover-skip-hash-check=yes'])).toEqual({
      unknown: '--recover-skip-hash-check has a value that is not a bool',
    });
  });

  it('a skipped hash check without a snapshot has nothing to skip: not named', () => {
    expect(destroys(['--recover-skip-hash-check'])).toBe(`creates a NEW etcd cluster from this node${tail}`);
  });
});
