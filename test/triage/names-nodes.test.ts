import { describe, expect, it } from 'vitest';
import { fixtureNames, triageFixture } from './helpers.js';

/**
 * Words for a tired responder: a member id alone sends them to a member list to find the machine.
 * Over every recorded and derived cluster state, each 16-hex member id that triage's headline,
 * why and findings print is followed by the node it runs on, or says that no read placed it.
 */
const ID = /\b[0-9a-f]{16}\b/g;
const PLACED = /^ on \d+\.\d+\.\d+\.\d+| \(on no node read\)| \(\d+\.\d+\.\d+\.\d+\)/;
/** a leader id a member names while knowing no leader: all zeros, worded "knows no leader" elsewhere */
const NO_LEADER = '0000000000000000';

function bareIds(text: string): string[] {
  return [...text.matchAll(ID)]
    .filter((m) => m[0] !== NO_LEADER && !PLACED.test(text.slice((m.index ?? 0) + m[0].length)))
    .map((m) => `${m[0]} in "${text}"`);
}

describe('triage names the node of every member it names', () => {
  it('attack: the rule sees a bare id and accepts a placed one', () => {
    expect(bareIds('follow leader 750f82d0bd760ee4 (term 2)')).toHaveLength(1);
    expect(bareIds('follow leader 750f82d0bd760ee4 on 127.0.0.81 (term 2)')).toEqual([]);
    expect(bareIds('follows 750f82d0bd760ee4 (on no node read)')).toEqual([]);
  });

  for (const name of fixtureNames()) {
    it(name, async () => {
      const t = await triageFixture(name);
      const texts = [t.headline, t.why, ...t.findings.map((f) => f.text)];
      expect(texts.flatMap(bareIds)).toEqual([]);
    });
  }
});
