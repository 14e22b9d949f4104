import type { ObservationImpl } from '../../src/checks/observe/observation.js';
import { type ClusterReads, emptyReads, gatherReads, type Read, type ReadKind } from '../../src/checks/reader.js';
import type { CheckArgs, CheckImpl, Json, Verdict } from '../../src/checks/verdict.js';
import { latestReads } from '../../src/triage/cluster-view.js';
import { replayPolls } from '../../src/triage/gather.js';
import { fixtureNames, loadFixture } from '../triage/helpers.js';
import { type FakeCluster, fakeReader } from './fake-cluster.js';

/**
 * Running one check or observation module on a fake cluster (test/helpers/fake-cluster.ts) or on
 * the recorded cluster states of fixtures/triage/, without the registry: the per-module tests
 * under test/checks/ call the module itself.
 */

/** The reads the module asks for, answered by the fake cluster. */
export async function readsFor(c: FakeCluster, impl: Pick<CheckImpl, 'reads'>, args: CheckArgs): Promise<ClusterReads> {
  return gatherReads(fakeReader(c), impl.reads(args));
}

/** observe + evaluate of one check module on a fake cluster. */
export async function verdictOf(impl: CheckImpl, c: FakeCluster, args: CheckArgs, prev?: Json): Promise<Verdict> {
  return impl.evaluate({ reads: await readsFor(c, impl, args) }, args, prev);
}

/** reads + derive of one observation module on a fake cluster. */
export async function derivedOf(impl: ObservationImpl, c: FakeCluster, args: CheckArgs) {
  return impl.derive(await readsFor(c, impl, args), args);
}

/** Reads built by hand: `{ status: { '10.0.0.1': read } }` over empty reads. */
export function readsWith(parts: Partial<Record<ReadKind, Record<string, Read<unknown>>>>): ClusterReads {
  return { ...emptyReads(), ...parts } as ClusterReads;
}

export interface RecordedState {
  name: string;
  nodes: string[];
  reads: ClusterReads;
}

/** Every recorded (and derived) cluster state of fixtures/triage/, replayed through the real reader. */
export async function recordedStates(): Promise<RecordedState[]> {
  const out: RecordedState[] = [];
  for (const name of fixtureNames()) {
    const rec = loadFixture(name);
    const { first, second } = await replayPolls(rec, new AbortController().signal);
    out.push({ name, nodes: rec.nodes, reads: latestReads(first.reads, second.reads) });
  }
  return out;
}
