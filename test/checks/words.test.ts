import { describe, expect, it } from 'vitest';
import { leaderText, memberText, noStatusText, statusErrorText } from '../../src/checks/words.js';

const ID = '750f82d0bd760ee4';
const ID_DECIMAL = '8435104460131667684';

describe('words', () => {
  it('names a member and a leader by id, with the node when one is known', () => {
    expect(memberText(ID, '10.0.0.3')).toBe(`member ${ID} on 10.0.0.3`);
    expect(memberText(ID, undefined)).toBe(`member ${ID}`);
    expect(leaderText(ID, '10.0.0.2')).toBe(`leader ${ID} on 10.0.0.2`);
    expect(leaderText(ID, undefined)).toBe(`leader ${ID}`);
  });

  it('says plainly that a node gave no status, with the member id only when another read knows it', () => {
    expect(noStatusText('127.0.0.83', undefined)).toBe(
      'etcd on 127.0.0.83 did not answer `etcd status` (member id unknown)',
    );
    expect(noStatusText('127.0.0.83', ID)).toBe(`etcd on 127.0.0.83 did not answer \`etcd status\` (member ${ID})`);
  });

  it("shows etcd's decimal alarm member id in hex, 16 digits, with its node when known", () => {
    expect(BigInt(`0x${ID}`).toString(10)).toBe(ID_DECIMAL);
    expect(statusErrorText(`memberID:${ID_DECIMAL} alarm:NOSPACE`)).toBe(`alarm:NOSPACE (member ${ID})`);
    expect(statusErrorText(`memberID:${ID_DECIMAL} alarm:NOSPACE`, (id) => (id === ID ? '10.0.0.3' : undefined))).toBe(
      `alarm:NOSPACE (member ${ID} on 10.0.0.3)`,
    );
    // padded to 16 digits, as talosctl prints ids
    expect(statusErrorText('memberID:255 alarm:CORRUPT')).toBe('alarm:CORRUPT (member 00000000000000ff)');
  });

  it('rewrites every alarm of an error, and leaves the rest of the text alone', () => {
    expect(statusErrorText(`etcdserver: memberID:1 alarm:NOSPACE, memberID:2 alarm:CORRUPT; done`)).toBe(
      'etcdserver: alarm:NOSPACE (member 0000000000000001), alarm:CORRUPT (member 0000000000000002); done',
    );
    expect(statusErrorText('etcdserver: mvcc: database space exceeded')).toBe(
      'etcdserver: mvcc: database space exceeded',
    );
  });

  it('keeps a number that is no uint64 as it was: it is no member id', () => {
    expect(statusErrorText('memberID:18446744073709551615 alarm:NOSPACE')).toBe(
      'alarm:NOSPACE (member ffffffffffffffff)',
    );
    expect(statusErrorText('memberID:18446744073709551616 alarm:NOSPACE')).toBe(
      'memberID:18446744073709551616 alarm:NOSPACE',
    );
    expect(statusErrorText('memberID:123456789012345678901 alarm:NOSPACE')).toBe(
      'memberID:123456789012345678901 alarm:NOSPACE',
    );
  });
});
