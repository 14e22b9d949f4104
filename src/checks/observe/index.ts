import type { ObservationName } from '../catalog.js';
import { type ClusterReader, type ClusterReads, evidenceOf, gatherReads } from '../reader.js';
import type { CheckArgs } from '../verdict.js';
import { etcdVolume } from './etcd-volume.js';
import { laggingMember } from './lagging-member.js';
import { leader } from './leader.js';
import { lostMember } from './lost-member.js';
import { maxRevision } from './max-revision.js';
import { memberOfNode } from './member-of-node.js';
import type { Derived, ObservationImpl } from './observation.js';
import { preflight } from './preflight.js';
import { reachableNode } from './reachable-node.js';
import { rollingOrder } from './rolling-order.js';

export type { Derived, ObservationImpl } from './observation.js';

/** Every observation of the catalog, by name. */
export const OBSERVATION_IMPLS: Readonly<Record<ObservationName, ObservationImpl>> = {
  leader,
  'rolling-order': rollingOrder,
  'member-of-node': memberOfNode,
  'lost-member': lostMember,
  'lagging-member': laggingMember,
  'reachable-node': reachableNode,
  'max-revision': maxRevision,
  'etcd-volume': etcdVolume,
  preflight,
};

export interface ObservationRun {
  result: Derived;
  reads: ClusterReads | undefined;
  evidence: string[];
}

/** Gathers the reads an observation needs and derives its outputs. Never rejects. */
export async function gatherObservation(
  name: ObservationName,
  reader: ClusterReader,
  args: CheckArgs,
): Promise<ObservationRun> {
  const impl = OBSERVATION_IMPLS[name];
  try {
    const reads = await gatherReads(reader, impl.reads(args));
    return { result: impl.derive(reads, args), reads, evidence: evidenceOf(reads) };
  } catch (e) {
    return {
      result: { ok: false, reason: `${name}: ${e instanceof Error ? e.message : String(e)}` },
      reads: undefined,
      evidence: [],
    };
  }
}
