import { describe, expect, it } from 'vitest';
import { emptyReads } from '../../../src/checks/reader.js';
import type { RunContext } from '../../../src/compile/contract.js';
import { gateFacts } from '../../../src/engine/effects/gate-facts.js';
import type { EngineEnv } from '../../../src/engine/env.js';
import type { GateView } from '../../../src/engine/fingerprint.js';
import { gateText } from '../../../src/io/gate-messages.js';

/**
 * The gate's "cluster now" lines tell a node that does not answer from one that answers with an
 * error: a learner refuses `member list`, and was listed as "Not answering" (a responder would
 * then think a third node is down).
 */
describe('gate text', () => {
  it('lists a refusing learner apart from a node that does not answer', () => {
    const reads = emptyReads();
    reads.members['127.0.0.11'] = { ok: true, value: [] };
    reads.members['127.0.0.12'] = { ok: false, reason: 'rpc not supported for learner', unreachable: false };
    reads.members['127.0.0.13'] = { ok: false, reason: 'connection refused', unreachable: true };
    reads.status['127.0.0.13'] = { ok: false, reason: 'connection refused', unreachable: true };
    const view: GateView = {
      digest: {
        target: null,
        nodes: [],
        members: [],
        leader: ['aa'],
        alarms: [],
        services: {},
        unreachable: ['127.0.0.12', '127.0.0.13'],
      },
      fingerprint: '0'.repeat(64),
      reads,
      memberOfNode: {},
      voters: 2,
    };
    const context = { params: {}, captures: {}, vars: {}, loops: {}, attempts: {} } as unknown as RunContext;
    const text = gateText(
      gateFacts({} as EngineEnv, context, { stepId: 'c', prompt: 'Go?', token: undefined }, [], view),
    );
    expect(text).toContain('  Not answering: 127.0.0.13\n');
    expect(text).toContain('  Answering with an error: 127.0.0.12 (rpc not supported for learner)');
    expect(text).not.toMatch(/Not answering: .*127\.0\.0\.12/);
  });

  it('names the node of every member id it shows: the leader, an alarm, a member to remove', () => {
    const view: GateView = {
      digest: {
        target: null,
        nodes: [],
        members: [],
        leader: ['a49c021e76e707db'],
        alarms: [{ kind: 'NOSPACE', member: 'a49c021e76e707db' }],
        services: {},
        unreachable: [],
      },
      fingerprint: '0'.repeat(64),
      reads: emptyReads(),
      memberOfNode: { '10.5.0.2': 'a49c021e76e707db', '10.5.0.4': 'f3e2d1c0b9a89776' },
      voters: 3,
    };
    const context = { params: {}, captures: {}, vars: {}, loops: {}, attempts: {} } as unknown as RunContext;
    const token = { type: 'memberId', value: 'f3e2d1c0b9a89776' } as const;
    const text = gateText(gateFacts({} as EngineEnv, context, { stepId: 'c', prompt: 'Go?', token }, [], view));
    expect(text).toContain('leader a49c021e76e707db on 10.5.0.2\n');
    expect(text).toContain('  Alarms: NOSPACE on member a49c021e76e707db on 10.5.0.2\n');
    expect(text).toContain('  Target: memberId f3e2d1c0b9a89776 (on 10.5.0.4)\n');
  });
});
