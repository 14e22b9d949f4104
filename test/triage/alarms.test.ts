import { describe, expect, it } from 'vitest';
import { raisedAlarms } from '../../src/triage/alarms.js';
import { viewOfFixture } from './helpers.js';

describe('raisedAlarms', () => {
  it('one NOSPACE seen by every node is one alarm, with each node once', async () => {
    const { view } = await viewOfFixture('nospace');
    expect(raisedAlarms(view)).toEqual([
      { kind: 'NOSPACE', member: '750f82d0bd760ee4', seenBy: ['127.0.0.81', '127.0.0.82', '127.0.0.83'] },
    ]);
  });

  it('CORRUPT is named with its member in 16 hex digits', async () => {
    const { view } = await viewOfFixture('derived-corrupt');
    expect(raisedAlarms(view).map((a) => [a.kind, a.member])).toEqual([['CORRUPT', '750f82d0bd760ee4']]);
  });

  it('a healthy cluster raises none', async () => {
    expect(raisedAlarms((await viewOfFixture('healthy')).view)).toEqual([]);
  });

  it("finds an alarm in a status row's errors alone, with the decimal member id turned to hex", async () => {
    const { view } = await viewOfFixture('nospace');
    // no alarm list answered: only the `memberID:<decimal> alarm:NOSPACE` status errors remain
    const statusOnly = { ...view, reads: { ...view.reads, alarms: {} } };
    const a = raisedAlarms(statusOnly);
    expect(a.map((x) => x.kind)).toEqual(['NOSPACE']);
    expect(a[0]?.member).toBe('750f82d0bd760ee4');
    expect(BigInt(`0x${a[0]?.member}`).toString(10)).toMatch(/^\d+$/);
  });
});
