import { describe, expect, it } from 'vitest';
import { identityKey } from '../../src/engine/cluster-identity.js';
import { acquireLock, LockHeldError } from '../../src/engine/lock.js';
import { F_IDS, F_NODES, fakeTalosctl } from '../helpers/fake-talosctl.js';
import { go, removeCalls, scripted } from './harness.js';

describe('executor gates', () => {
  it('without a terminal stops at the gate with exit 3 before the irreversible command', async () => {
    const fake = fakeTalosctl();
    const { result, records } = await go({ fake });
    expect(result.exitCode).toBe(3);
    expect(removeCalls(fake)).toHaveLength(0);
    expect(records.some((r) => r.type === 'command-intent')).toBe(false);
    const req = records.find((r) => r.type === 'approval-request');
    // the gate names the member it removes: the registry's words for the resolved argv
    expect(req?.type === 'approval-request' && req.payload.prompt).toMatch(
      /removes the member [0-9a-f]{16} from the etcd cluster/,
    );
    expect(req?.type === 'approval-request' && req.payload.prompt).toContain('After it: 2 voter(s) remain');
    expect(records.at(-1)).toMatchObject({ type: 'run-end', payload: { exitCode: 3 } });
  });

  it('--approve runs it once, recorded as a flag approval with a deviation', async () => {
    const fake = fakeTalosctl();
    const { result, records } = await go({ fake, approve: ['confirm-remove'] });
    expect(result).toMatchObject({ outcome: 'success', exitCode: 0 });
    expect(removeCalls(fake)).toEqual([{ node: '10.5.0.2', args: ['etcd', 'remove-member', F_IDS[2]] }]);
    const types = records.map((r) => r.type);
    expect(types.indexOf('command-intent')).toBeLessThan(types.lastIndexOf('command-result'));
    expect(records.find((r) => r.type === 'approval')).toMatchObject({
      payload: { how: 'flag', who: 'tester', approved: true },
    });
    expect(records.find((r) => r.type === 'deviation')).toMatchObject({ payload: { kind: 'flag-approval' } });
  });

  it('a bare Enter or a wrong token never approves; the typed token does', async () => {
    const fake = fakeTalosctl();
    const p = scripted(['', 'yes', F_IDS[2]]);
    const { result } = await go({ fake, prompter: p });
    expect(p.asked).toHaveLength(3);
    expect(result.exitCode).toBe(0);
    expect(removeCalls(fake)).toHaveLength(1);
  });

  it('"no" declines: exit 3 and nothing removed', async () => {
    const fake = fakeTalosctl();
    const { result, records } = await go({ fake, prompter: scripted(['', 'no']) });
    expect(result).toMatchObject({ outcome: 'declined', exitCode: 3 });
    expect(removeCalls(fake)).toHaveLength(0);
    expect(records.find((r) => r.type === 'approval')).toMatchObject({ payload: { approved: false, how: 'tty' } });
  });

  it('three wrong tokens decline', async () => {
    const fake = fakeTalosctl();
    const { result } = await go({ fake, prompter: scripted(['x', 'y', 'z']) });
    expect(result.exitCode).toBe(3);
    expect(removeCalls(fake)).toHaveLength(0);
  });

  it('Ctrl-C at the prompt ends the run interrupted (130), nothing removed', async () => {
    const fake = fakeTalosctl();
    const { result, records } = await go({ fake, prompter: scripted([]) });
    expect(result.exitCode).toBe(130);
    expect(removeCalls(fake)).toHaveLength(0);
    expect(records.at(-1)).toMatchObject({ type: 'run-end', payload: { outcome: 'interrupted', exitCode: 130 } });
  });

  it('voids the approval when the cluster changed between gate and command (exit 3)', async () => {
    const fake = fakeTalosctl();
    const p = scripted([F_IDS[2]]);
    const inner = p.input.bind(p);
    p.input = async (m, s) => {
      const a = await inner(m, s);
      fake.state.leader = F_IDS[1]; // a new leader was elected while the operator typed
      return a;
    };
    const { result, records } = await go({ fake, prompter: p });
    expect(result).toMatchObject({ outcome: 'approval-stale', exitCode: 3 });
    expect(removeCalls(fake)).toHaveLength(0);
    const voided = records.find((r) => r.type === 'approval-voided');
    expect(voided?.type === 'approval-voided' && voided.payload.reason).toContain(`leader ${F_IDS[0]} → ${F_IDS[1]}`);
  });

  it('a failed precondition ends with exit 4 and changes nothing', async () => {
    const fake = fakeTalosctl();
    fake.state.members = fake.state.members.filter((m) => m.id !== F_IDS[2]);
    const { result } = await go({ fake, approve: ['confirm-remove'] });
    expect(result).toMatchObject({ outcome: 'precondition-failed', exitCode: 4 });
    expect(removeCalls(fake)).toHaveLength(0);
  });

  it('Ctrl-C during a command kills it and ends interrupted (130)', async () => {
    const fake = fakeTalosctl();
    fake.hang = 'etcd remove-member';
    const ctl = new AbortController();
    fake.onCall = () => {};
    const started = go({ fake, approve: ['confirm-remove'], signal: ctl.signal });
    await new Promise<void>((resolve) => {
      const t = setInterval(() => {
        if (removeCalls(fake).length > 0) {
          clearInterval(t);
          resolve();
        }
      }, 5);
    });
    ctl.abort(new Error('SIGINT'));
    const { result, records } = await started;
    expect(result.exitCode).toBe(130);
    expect(records.some((r) => r.type === 'command-intent')).toBe(true);
    expect(records.at(-1)).toMatchObject({ type: 'run-end', payload: { outcome: 'interrupted' } });
  });
});

describe('the run the harness drives is the session the CLI builds', () => {
  it('the cluster identity is read before the log, its lock is held while the run runs and released after', async () => {
    const fake = fakeTalosctl();
    // the fake has no `get info`: the session keys the lock on the sorted member ids, as on Talos < 1.4
    const key = identityKey({ source: 'etcd-member-ids', value: [...F_IDS].sort().join(',') });
    const tryLock = (): string => {
      try {
        acquireLock({ key, operator: 'other', runbook: 'other' }).release();
        return 'free';
      } catch (e) {
        return e instanceof LockHeldError ? 'held' : String(e);
      }
    };
    const during: string[] = [];
    const { result, records, stderr } = await go({
      fake,
      approve: ['confirm-remove'],
      onEvent: (e) => {
        if (e.code === 'TDR_I_STEP_START') during.push(tryLock());
      },
    });
    expect(result.exitCode).toBe(0);
    expect(during).toEqual(['held', 'held', 'held', 'held']);
    expect(tryLock()).toBe('free');
    expect(records[0]).toMatchObject({
      type: 'run-start',
      payload: { operator: 'tester', cluster: { source: 'etcd-member-ids', readFrom: [F_NODES[0]] } },
    });
    expect(fake.calls.slice(0, 3).map((c) => c.args.join(' '))).toEqual(Array(3).fill('get info --output json'));
    expect(stderr).toContain('warning: no node answered `talosctl get info` with a cluster id');
  });
});

describe('dry run', () => {
  it('asks the same gate, never runs the mutation, and assumes the postcondition', async () => {
    const fake = fakeTalosctl();
    const { result, records } = await go({ fake, dryRun: true, prompter: scripted([F_IDS[2]]) });
    expect(result.exitCode).toBe(0);
    expect(removeCalls(fake)).toHaveLength(0);
    expect(
      fake.calls.every((c) =>
        ['etcd members', 'etcd status', 'etcd alarm list', 'service etcd'].includes(c.args.join(' ')),
      ),
    ).toBe(true);
    expect(records.some((r) => r.type === 'deviation' && r.payload.detail.startsWith('dry run: would run'))).toBe(true);
    expect(records.find((r) => r.type === 'check' && r.payload.step === 'gone')).toMatchObject({
      payload: { verdict: 'pass' },
    });
  });
});
