import { describe, expect, it } from 'vitest';
import { READ_SHAPES } from '../../../src/talos/commands/read-shapes.js';
import { verdictOf } from '../../helpers/shape-verdict.js';

/**
 * The commands that change nothing anywhere: each is a read whatever its flags, with the
 * positional arguments and flags talosctl gives it (a wrong count is classify.ts's to refuse).
 */

describe('read shapes', () => {
  it('are exactly these commands, with these argument counts', () => {
    expect(READ_SHAPES.map((s) => [s.path.join(' '), s.args.min, s.args.max])).toEqual([
      ['etcd members', 0, 0],
      ['etcd status', 0, 0],
      ['etcd alarm list', 0, 0],
      ['logs', 1, 1],
      ['dmesg', 0, 0],
      ['get', 1, 8],
      ['version', 0, 0],
      ['health', 0, 0],
      ['time', 0, 0],
    ]);
  });

  it('each is a read: no gate, nothing destroyed or out of service', () => {
    const cases: [string[], string[]][] = [
      [['etcd', 'members'], []],
      [['etcd', 'status'], []],
      [['etcd', 'alarm', 'list'], []],
      [['logs'], ['etcd', '-f', '--tail', '50']],
      [['dmesg'], ['--follow', '--tail']],
      [['get'], ['volumestatus', 'ETCD', '-o', 'json']],
      [['version'], ['--short']],
      [['health'], ['--wait-timeout', '5m']],
      [['time'], ['--check', 'pool.ntp.org']],
    ];
    for (const [words, rest] of cases)
      expect(verdictOf(READ_SHAPES, words, rest), words.join(' ')).toMatchObject({
        effect: 'read',
        destroys: undefined,
        outOfService: undefined,
        gate: false,
      });
  });

  it("knows logs --tail takes a value but dmesg --tail is a bool (talosctl's own flags)", () => {
    const flag = (cmd: string, long: string) =>
      READ_SHAPES.find((s) => s.path.join(' ') === cmd)?.flags.find((f) => f.long === long)?.kind;
    expect(flag('logs', 'tail')).toBe('value');
    expect(flag('dmesg', 'tail')).toBe('bool');
    expect(flag('get', 'output')).toBe('value');
  });

  it('says what each reads, in words', () => {
    const reason = (w: string[], rest: string[] = []) => {
      const x = verdictOf(READ_SHAPES, w, rest);
      return 'unknown' in x ? x.unknown : x.reason;
    };
    expect(reason(['etcd', 'members'])).toBe('lists the etcd members as this node sees them');
    expect(reason(['logs'], ['etcd'])).toBe('reads service logs');
    expect(reason(['get'], ['members'])).toBe('reads a resource');
  });
});
