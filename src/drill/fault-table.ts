import type { FaultName } from '../lab/faults.js';
import type { NetFaultOptions } from '../lab/net-inject.js';

/**
 * What each fault a drill starts from does to the lab: ONE table, read by the runbook drills
 * (runbook-drills.ts) and the triage drills (triage-drills.ts), applied by apply-fault.ts. Data
 * only: the `lab inject` fault, the member it is done to, its options, the write load it needs to
 * show, and what must be seen before the drill goes on. (Type imports only: the CLI lists the
 * faults without loading the lab.)
 */

/** Which member a fault is done to, from the roles read once before a drill's first fault. */
export type FaultTarget =
  /** the fault names no member (nospace, quorum-loss, flap-leader) */
  | 'cluster'
  /** the last follower in node order (127.0.0.13 in a three-member lab led by .11) */
  | 'follower'
  /** the first follower: a second member, distinct from `follower` when there are two */
  | 'first-follower'
  | 'leader'
  /** the last ⌊n/2⌋+1 members, one after another: a permanent quorum loss */
  | 'majority'
  /** the snapshot file the drill took before its faults */
  | 'snapshot';

/** What the drill waits for once the fault is in force, so the view it grades is the fault's. */
export type Settle =
  /** the faulted member reports no leader (30 s at most) */
  | { readonly until: 'no-leader' }
  /** the faulted member answers, follows the leader and is `entries` behind it (60 s at most) */
  | { readonly until: 'behind'; readonly entries: number }
  /** either of those (30 s at most): a lossy link shows one or the other */
  | { readonly until: 'behind-or-no-leader'; readonly entries: number }
  /** a follower names a leader other than the one before the fault (30 s at most) */
  | { readonly until: 'leader-change' }
  /** a fixed pause: past a fault's first burst, to its steady state */
  | { readonly until: 'time'; readonly ms: number };

export interface FaultSpec {
  /** the `lab inject` fault, or none */
  readonly inject: FaultName | 'none';
  readonly on: FaultTarget;
  /** the network fault's options (latency ms, loss percent, flap timings) */
  readonly options?: NetFaultOptions;
  /** puts a second through the leader while the fault is in force: a lag only shows under writes */
  readonly load?: number;
  readonly settle?: readonly Settle[];
  /** the report's words before the inject's own */
  readonly label?: string;
  /**
   * in a child `talos-dr lab inject`: filling the quota sends ~260 puts of 512 KB, whose request
   * buffers would otherwise set the drill's (the engine's) peak memory
   */
  readonly child?: boolean;
}

export const DRILL_FAULTS = {
  none: { inject: 'none', on: 'cluster' },
  nospace: { inject: 'nospace', on: 'cluster', child: true },
  'nospace-full': { inject: 'nospace-full', on: 'cluster', child: true },
  'lose-follower': { inject: 'lose', on: 'follower', label: 'lost a follower' },
  'lose-first-follower': { inject: 'lose', on: 'first-follower', label: 'lost a follower' },
  'lose-leader': { inject: 'lose', on: 'leader', label: 'lost the LEADER' },
  // a PERMANENT quorum loss: a majority of machines lost with their disks (a temporary one is
  // fixed by powering them back on, and the restore runbook then refuses to restore)
  'lose-majority': { inject: 'lose', on: 'majority', label: 'lost a majority' },
  'kill-follower': { inject: 'kill', on: 'follower' },
  'stuck-learner': { inject: 'stuck-learner', on: 'follower' },
  'quorum-loss': { inject: 'quorum-loss', on: 'cluster' },
  'corrupt-snapshot': { inject: 'corrupt-snapshot', on: 'snapshot' },
  partition: { inject: 'partition', on: 'follower', settle: [{ until: 'no-leader' }] },
  // 1.5 s each way under 200 puts/s: a voter that answers and falls 300+ entries behind (the
  // runbook drill: it must be found by its lag and proven back in sync once the link is repaired)
  'slow-link': {
    inject: 'latency',
    on: 'follower',
    options: { ms: 3000 },
    load: 200,
    settle: [{ until: 'behind', entries: 300 }],
  },
  // 2 s each way: it keeps its leader and stays ~400 entries behind under the load (measured);
  // more (6 s) makes it miss heartbeats and lose the leader: a partition, not a lag. Triage reads
  // it after the cut-over's first burst of lag, in the steady state.
  latency: {
    inject: 'latency',
    on: 'follower',
    options: { ms: 4000 },
    load: 200,
    settle: [
      { until: 'behind', entries: 300 },
      { until: 'time', ms: 8000 },
    ],
  },
  // 30% loss each way: the member keeps a leader and falls behind, or misses enough heartbeats to
  // lose it (measured: both happen)
  loss: {
    inject: 'loss',
    on: 'follower',
    options: { percent: 30 },
    load: 200,
    settle: [{ until: 'behind-or-no-leader', entries: 300 }],
  },
  // the first cut has come and gone before the drill goes on: the leader changed at least once
  'flap-leader': {
    inject: 'flap-leader',
    on: 'cluster',
    options: { cutMs: 2500, everyMs: 3000 },
    settle: [{ until: 'leader-change' }],
  },
} as const satisfies Readonly<Record<string, FaultSpec>>;

export type DrillFault = keyof typeof DRILL_FAULTS;
