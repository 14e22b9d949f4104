import type { CommandResult, Talosctl } from '../../src/talos/talosctl.js';
import { type FakeState, fakeTalosctl } from '../../test/helpers/fake-talosctl.js';

/**
 * The stand-in talosctl of the crash property (crash-property.ts): the fake cluster of
 * test/helpers/fake-talosctl.ts, plus the changes the generated runbooks run (leave, reset,
 * bootstrap, forfeit-leadership, a service restart), an outcome drawn per call (an error class,
 * unparsed output, a hang until the timeout) and cluster drift (leader moves, an alarm, a member
 * removed). Every call is recorded with the number of journal records written when it was
 * spawned, and the cluster state before and after it, so a crash after any record can be placed.
 */

export type ErrorCode = 'Unavailable' | 'FailedPrecondition' | 'PermissionDenied' | 'NotFound';
export type Fault =
  | { kind: 'error'; code: ErrorCode }
  | { kind: 'garbage' }
  /** waits until the call's timeout or its signal; a change may have taken effect meanwhile */
  | { kind: 'hang'; tookEffect: boolean };
export type DriftKind = 'leader-moves' | 'alarm' | 'member-removed';
/** at: right before call number `n`, or right before the first call after the n-th approval */
export type Drift = { when: 'call' | 'after-approval'; n: number; what: DriftKind };

export interface RecordedCall {
  node: string;
  args: string[];
  /** journal records on disk when the call was spawned (its intent, if any, is record L-1) */
  journalLength: number;
  /** the cluster before the command's own effect (drift of this call included), and after it */
  before: FakeState;
  after: FakeState;
  fault: Fault | undefined;
}

const ERRORS: Record<ErrorCode, string> = {
  Unavailable:
    'rpc error: code = Unavailable desc = connection error: desc = "transport: Error while dialing: dial tcp: connect: connection refused"',
  FailedPrecondition: 'rpc error: code = FailedPrecondition desc = etcd is not running on this node',
  PermissionDenied: 'rpc error: code = PermissionDenied desc = no request forwarding',
  NotFound: 'rpc error: code = NotFound desc = member not found',
};

export const cloneState = (s: FakeState): FakeState => ({
  members: s.members.map((m) => ({ ...m })),
  leader: s.leader,
  alarms: s.alarms.map((a) => ({ ...a })),
});

function applyDrift(s: FakeState, what: DriftKind): void {
  if (what === 'leader-moves') {
    const other = s.members.find((m) => m.id !== s.leader && !m.learner);
    if (other !== undefined) s.leader = other.id;
  } else if (what === 'alarm') {
    const m = s.members[0];
    if (m !== undefined && !s.alarms.some((a) => a.kind === 'NOSPACE'))
      s.alarms.push({ member: m.id, kind: 'NOSPACE' });
  } else {
    // a member other than the leader disappears (another operator, a failed node)
    const gone = s.members.findLast((m) => m.id !== s.leader);
    if (gone !== undefined) s.members = s.members.filter((m) => m !== gone);
  }
}

/** What a change does to the cluster model; false: not a change this stand-in models itself. */
function applyChange(s: FakeState, node: string, args: readonly string[]): boolean {
  const cmd = args.join(' ');
  const mine = s.members.find((m) => m.node === node);
  if (cmd === 'etcd leave' || args[0] === 'reset') {
    if (mine !== undefined) s.members = s.members.filter((m) => m !== mine);
    if (mine !== undefined && s.leader === mine.id) s.leader = s.members[0]?.id ?? '0000000000000000';
    return true;
  }
  if (args[0] === 'etcd' && args[1] === 'remove-member') {
    s.members = s.members.filter((m) => m.id !== args[2]);
    return true;
  }
  if (cmd === 'etcd forfeit-leadership') {
    const other = s.members.find((m) => m.id !== mine?.id && !m.learner);
    if (mine !== undefined && s.leader === mine.id && other !== undefined) s.leader = other.id;
    return true;
  }
  return args[0] === 'bootstrap' || cmd === 'service etcd restart' || cmd === 'etcd defrag';
}

export interface FaultyTalosctl extends Talosctl {
  calls: RecordedCall[];
  state: FakeState;
}

/**
 * `faults` by call number (0-based, this process run), `drift` as above. `journalLength` counts
 * the records on disk; `approvals` the approvals journaled so far in this process run.
 */
export function faultyTalosctl(
  state: FakeState,
  plan: { faults: ReadonlyMap<number, Fault>; drift: readonly Drift[] },
  journal: { length: () => number; approvals: () => number },
): FaultyTalosctl {
  const inner = fakeTalosctl(state);
  const calls: RecordedCall[] = [];
  const pending = [...plan.drift];
  let approvalsSeen = 0;
  const result = (node: string, exitCode: number | null, stdout: string, stderr: string): CommandResult => ({
    argv: ['--nodes', node],
    binary: 'fake',
    node,
    pid: 1,
    exitCode,
    signal: null,
    stdout,
    stderr,
    durationMs: 1,
    timedOut: false,
    canceled: false,
  });
  const self: FaultyTalosctl = {
    binary: 'faulty',
    calls,
    state,
    async run(node, args, opts) {
      const n = calls.length;
      const approvals = journal.approvals();
      const newApproval = approvals > approvalsSeen;
      approvalsSeen = approvals;
      for (const d of [...pending]) {
        const due = d.when === 'call' ? d.n <= n : newApproval && d.n <= approvals;
        if (!due) continue;
        applyDrift(state, d.what);
        pending.splice(pending.indexOf(d), 1);
      }
      const fault = plan.faults.get(n);
      const call: RecordedCall = {
        node,
        args: [...args],
        journalLength: journal.length(),
        before: cloneState(state),
        after: cloneState(state),
        fault,
      };
      calls.push(call);
      const done = (r: CommandResult): CommandResult => {
        call.after = cloneState(state);
        return r;
      };
      if (fault === undefined) {
        if (applyChange(state, node, args)) return done(result(node, 0, '', ''));
        return done(await inner.run(node, args, opts));
      }
      if (fault.kind === 'error') return done(result(node, 1, '', `error: ${ERRORS[fault.code]}\n`));
      if (fault.kind === 'garbage') {
        applyChange(state, node, args);
        return done(result(node, 0, '\u0001%%% not a table %%%\nNODE\t\t\x7f\n', ''));
      }
      if (fault.tookEffect) applyChange(state, node, args);
      call.after = cloneState(state);
      const timeoutMs = opts?.timeoutMs ?? 30_000;
      const canceled = await new Promise<boolean>((resolve) => {
        if (opts?.signal?.aborted) return resolve(true);
        const timer = setTimeout(() => resolve(false), timeoutMs);
        opts?.signal?.addEventListener(
          'abort',
          () => {
            clearTimeout(timer);
            resolve(true);
          },
          { once: true },
        );
      });
      return { ...result(node, null, '', ''), timedOut: !canceled, canceled, durationMs: timeoutMs };
    },
    async runEach(nodes, args, opts) {
      const r: CommandResult[] = [];
      for (const n of nodes) r.push(await self.run(n, args, opts));
      return r;
    },
    clientVersion: (opts) => inner.clientVersion(opts),
  };
  return self;
}
