import { readFileSync, writeFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { F_IDS, fakeState, fakeTalosctl } from '../helpers/fake-talosctl.js';
import { go, removeCalls, tmpLog } from './harness.js';

/**
 * Event sourcing over the journal: cut a complete log after record k (a crash there) and resume.
 * The cluster is as the crash left it: the member is gone iff the remove command was started
 * (the worst case for a double run). Never run the irreversible command twice; never run it
 * without an approval given in the resumed run or recorded and used before the crash.
 */
describe('resume from every record prefix', () => {
  it('never runs remove-member twice or without an approval', async () => {
    const full = await go({ fake: fakeTalosctl(), approve: ['confirm-remove'] });
    expect(full.result.exitCode).toBe(0);
    const lines = readFileSync(full.log, 'utf8').trimEnd().split('\n');
    const intentAt = full.records.findIndex((r) => r.type === 'command-intent');
    const resultAt = full.records.findIndex((r, i) => i > intentAt && r.type === 'command-result');
    for (let k = 1; k < lines.length; k++) {
      for (const approve of [[], ['confirm-remove'], ['remove']]) {
        for (const happened of [true, false]) {
          const started = k > intentAt;
          if (!started && !happened) continue; // without an intent the command cannot have run
          if (k > resultAt && !happened) continue; // a recorded result means it ran
          const log = tmpLog();
          writeFileSync(log, `${lines.slice(0, k).join('\n')}\n`);
          const state = fakeState();
          if (started && happened) state.members = state.members.filter((m) => m.id !== F_IDS[2]);
          const fake = fakeTalosctl(state);
          const { result, records } = await go({ fake, log, resume: true, approve });
          const where = `k=${k} approve=${approve.join()} happened=${happened}`;
          const calls = removeCalls(fake).length;
          if (started && happened) expect(calls, where).toBe(0);
          if (calls > 0) {
            const fresh = records.slice(k).some((r) => r.type === 'approval' && r.payload.approved);
            expect(fresh, `${where}: ran without a fresh approval`).toBe(true);
          }
          if (approve.length === 0 && calls === 0 && !(started && happened)) expect(result.exitCode, where).toBe(3);
          // an --approve of the confirm was for the first attempt: running it again after an
          // unknown outcome needs an approval naming the irreversible step itself
          const stale = started && !happened && approve[0] === 'confirm-remove';
          if (stale) expect([result.exitCode, calls], where).toEqual([3, 0]);
          else if (approve.length > 0) expect(result.exitCode, where).toBe(0);
        }
      }
    }
  });

  it('an exit-3 stop at the gate is finished by resume --approve', async () => {
    const fake = fakeTalosctl();
    const first = await go({ fake });
    expect(first.result.exitCode).toBe(3);
    const second = await go({ fake, log: first.log, resume: true, approve: ['confirm-remove'] });
    expect(second.result.exitCode).toBe(0);
    expect(removeCalls(fake)).toHaveLength(1);
  });

  it('an unknown outcome re-observed with slow reads is not timed out by the replay clock (crash campaign)', async () => {
    // found by the lab crash campaign: the re-observation ran while the replay was still on
    // virtual time, so the step's timeout fired before the first read answered ("timed out")
    const full = await go({ fake: fakeTalosctl(), approve: ['confirm-remove'] });
    const lines = readFileSync(full.log, 'utf8').trimEnd().split('\n');
    const intentAt = full.records.findIndex((r) => r.type === 'command-intent');
    const log = tmpLog();
    writeFileSync(log, `${lines.slice(0, intentAt + 1).join('\n')}\n`);
    const state = fakeState();
    state.members = state.members.filter((m) => m.id !== F_IDS[2]);
    const fake = fakeTalosctl(state);
    const fast = fake.run.bind(fake);
    fake.run = async (node, args, opts) => {
      await new Promise((r) => setTimeout(r, 30));
      return fast(node, args, opts);
    };
    const { result, records } = await go({ fake, log, resume: true, approve: [] });
    expect(result.exitCode, JSON.stringify(result)).toBe(0);
    expect(removeCalls(fake)).toHaveLength(0);
    expect(records.some((r) => r.type === 'deviation' && r.payload.kind === 'skip')).toBe(true);
  });
});
