import { readFileSync, writeFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { F_IDS, F_NODES, fakeState, fakeTalosctl } from '../helpers/fake-talosctl.js';
import { go, PARAMS, REMOVE_RUNBOOK, removeCalls, tmpLog } from './harness.js';

/**
 * Cases the crash property (scripts/reliability/crash-property.ts, issue #14) found, minimized.
 */

/** The log of `log` cut right after its n-th command-intent (a crash while that command ran). */
function cutAfterIntent(log: string, n: number): string {
  const lines = readFileSync(log, 'utf8').trimEnd().split('\n');
  const at = lines.map((l, i) => [l, i] as const).filter(([l]) => l.includes('"type":"command-intent"'))[n - 1]?.[1];
  if (at === undefined) throw new Error(`no command-intent #${n} in ${log}`);
  const cut = tmpLog();
  writeFileSync(cut, `${lines.slice(0, at + 1).join('\n')}\n`);
  return cut;
}

describe('crash property regressions', () => {
  it('a second resume replays how the first one settled an unknown outcome: nothing runs again without its own approval', async () => {
    // remove-member (gated), then etcd alarm disarm (gated, irreversible)
    const text = `${REMOVE_RUNBOOK.slice(0, REMOVE_RUNBOOK.indexOf('  - id: gone\n'))}  - id: confirm-disarm
    confirm: { prompt: Disarm the alarms }
  - id: disarm
    talosctl: [etcd, alarm, disarm]
    node: { ref: params.healthy }
`;
    const withAlarm = () => {
      const s = fakeState();
      s.alarms = [{ member: F_IDS[0], kind: 'NOSPACE' }];
      return s;
    };
    const first = await go({ fake: fakeTalosctl(withAlarm()), text, approve: ['confirm-remove', 'confirm-disarm'] });
    expect(first.result.exitCode).toBe(0);
    // crash 1: remove-member started and did not run
    const log = cutAfterIntent(first.log, 1);
    const fake1 = fakeTalosctl(withAlarm());
    const second = await go({ fake: fake1, text, log, resume: true, approve: ['remove', 'confirm-disarm'] });
    expect(second.result.exitCode).toBe(0);
    expect(removeCalls(fake1)).toHaveLength(1); // re-run on its own approval, as documented
    // crash 2, in the resumed run: the disarm started and ran
    const log2 = cutAfterIntent(log, 3);
    const state = fakeState();
    state.members = state.members.filter((m) => m.id !== F_IDS[2]);
    const fake2 = fakeTalosctl(state);
    const third = await go({ fake: fake2, text, log: log2, resume: true, approve: ['remove', 'confirm-disarm'] });
    // remove-member ran once in the first resume (its result is in the log): replayed, not run a
    // third time; the disarm's outcome is unknown and --approve confirm-disarm was for its first
    // attempt: it needs an approval of the disarm itself (exit 3). Before the fix the replay went
    // live at the first crash's unknown outcome and re-ran both.
    expect(removeCalls(fake2)).toHaveLength(0);
    expect(fake2.calls.filter((c) => c.args.join(' ') === 'etcd alarm disarm')).toHaveLength(0);
    expect([third.result.exitCode, third.result.stepId]).toEqual([3, 'disarm']);
  });

  it('a literal member id in remove-member is the token the gate asks for, not the node', async () => {
    const text = REMOVE_RUNBOOK.replace(
      'confirm: { prompt: Remove the member, token: { ref: params.member } }',
      'confirm: { prompt: Remove the member }',
    ).replace(
      'talosctl: [etcd, remove-member, { ref: params.member }]',
      `talosctl: [etcd, remove-member, ${F_IDS[2]}]`,
    );
    const fake = fakeTalosctl();
    const { result, records } = await go({ fake, text, params: PARAMS, approve: [`confirm-remove@${F_NODES[0]}`] });
    // an approval for the node the command is sent to does not approve removing a member
    expect([result.exitCode, removeCalls(fake).length]).toEqual([3, 0]);
    const request = records.find((r) => r.type === 'approval-request');
    expect(request?.payload).toMatchObject({ token: F_IDS[2] });
    const ok = await go({ fake, text, params: PARAMS, approve: [`confirm-remove@${F_IDS[2]}`] });
    expect([ok.result.exitCode, removeCalls(fake).length]).toEqual([0, 1]);
    expect(ok.records.find((r) => r.type === 'approval')?.payload).toMatchObject({ target: F_IDS[2] });
  });
});
