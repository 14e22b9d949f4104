import { describe, expect, it } from 'vitest';
import { F_IDS, F_NODES, fakeTalosctl } from '../helpers/fake-talosctl.js';
import { cutAfterFirstIntent, go, REMOVE_RUNBOOK, removeCalls } from './harness.js';

/**
 * Found by the lab crash campaign (restore-from-snapshot, a crash before `reset`): the first
 * resume's `wipe:reobserve` polled 28 times until its 1-minute timeout, then re-approved and ran
 * the wipe. A second resume replayed those polls on virtual time, where replayed reads take no
 * time, so a 29th poll fitted before the timer: nothing recorded → live → the wipe ran AGAIN.
 * The log, not virtual time, says where a recorded poll loop ended.
 */
const TEXT = REMOVE_RUNBOOK.replace(
  '    node: { ref: params.healthy }\n',
  `    node: { ref: params.healthy }
    done:
      check: member-absent
      with: { nodes: { ref: params.nodes }, member: { ref: params.member } }
      timeout: 300ms
      interval: 10ms
`,
).concat(`  - id: kubelet
    manual: { instructions: restart kubelet, prompt: Done? }
`);

/** Slow reads: the recorded loop fits far fewer polls than virtual time would. */
function slowFake() {
  const fake = fakeTalosctl();
  const run = fake.run.bind(fake);
  fake.run = async (node, args, opts) => {
    if (args.join(' ') === 'etcd members') await new Promise((r) => setTimeout(r, 40));
    return run(node, args, opts);
  };
  return fake;
}

describe('a resumed poll loop ends where the recorded one did', () => {
  it('a second resume replays the first resume re-observation and re-approval: the removal runs once', async () => {
    const log = await cutAfterFirstIntent({ text: TEXT, approve: ['confirm-remove', 'kubelet'] });
    // first resume: the removal never happened; re-observed until the timeout, re-approved, run;
    // then the manual step stops the run (no terminal, not approved)
    const first = slowFake();
    const r1 = await go({ fake: first, text: TEXT, log, resume: true, approve: ['remove'] });
    expect([r1.result.exitCode, r1.result.outcome, removeCalls(first).length]).toEqual([3, 'stopped-at-gate', 1]);
    // second resume: everything up to the manual step is in the log
    const second = slowFake();
    second.state.members = second.state.members.filter((m) => m.id !== F_IDS[2]);
    let atResume = -1;
    const r2 = await go({
      fake: second,
      text: TEXT,
      log,
      resume: true,
      approve: ['remove', 'kubelet'],
      onEvent: (e) => {
        if (e.code === 'TDR_I_RESUME') atResume = second.calls.length;
      },
    });
    expect(r2.result.exitCode, JSON.stringify(r2.result)).toBe(0);
    expect(removeCalls(second)).toHaveLength(0);
    // before its resume record the session asks which cluster this is (the fake has no `get info`:
    // the member list is the fallback), as `talos-dr resume` does
    expect(second.calls.slice(0, atResume).map((c) => `${c.node} ${c.args.join(' ')}`)).toEqual([
      ...F_NODES.map((n) => `${n} get info --output json`),
      ...F_NODES.map((n) => `${n} etcd members`),
    ]);
    expect(second.calls.slice(atResume)).toEqual([]); // nothing was read live: the whole run replayed
  });
});
