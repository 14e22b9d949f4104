import type { LogRecord } from '../../audit/log-format.js';
import type { CheckName } from '../../checks/catalog.js';
import { runCheck } from '../../checks/registry.js';
import type { CheckArgs, Json, Verdict } from '../../checks/verdict.js';
import type { EngineEnv } from '../env.js';
import { createSnapshotReader } from '../snapshot-reader.js';
import { readerFor } from './shared.js';

/** One live evaluation of a catalog check, journaled as a `check` record under `step` (returned with it). */
export async function checkOnce(
  env: EngineEnv,
  step: string,
  name: string,
  args: CheckArgs,
  signal: AbortSignal,
  prev?: Json,
): Promise<{ verdict: Verdict; record: LogRecord<'check'> }> {
  const snapshots = createSnapshotReader({ captures: () => env.context().captures, cwd: process.cwd(), signal });
  const run = await runCheck(name as CheckName, args, { cluster: readerFor(env, step, signal), snapshots }, prev);
  const v = run.verdict;
  const record = env.journal.append('check', {
    step,
    name,
    args: JSON.parse(JSON.stringify(args)) as Record<string, Json>,
    observed: v.observed,
    verdict: v.verdict,
    summary: v.summary,
    ...(v.evidence === undefined ? {} : { evidence: v.evidence }),
    // what `log replay` needs besides the raw reads: the poll history and the snapshot file facts
    ...(prev === undefined ? {} : { prevState: prev }),
    ...(snapshotFacts(run.observed) === undefined ? {} : { snapshot: snapshotFacts(run.observed) as Json }),
  });
  return { verdict: v, record };
}

/** The snapshot facts a snapshot-verified observation holds (no command-result records them). */
function snapshotFacts(observed: unknown): Json | undefined {
  if (typeof observed !== 'object' || observed === null || !('snapshot' in observed)) return undefined;
  const facts = (observed as { snapshot?: unknown }).snapshot;
  return facts === undefined ? undefined : (JSON.parse(JSON.stringify(facts)) as Json);
}
