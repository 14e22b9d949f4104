import type { CheckName } from '../../checks/catalog.js';
import { runCheck } from '../../checks/registry.js';
import type { CheckArgs, Json, Verdict } from '../../checks/verdict.js';
import type { EngineEnv } from '../env.js';
import { createSnapshotReader } from '../snapshot-reader.js';
import { readerFor } from './shared.js';

/** One live evaluation of a catalog check, journaled as a `check` record under `step`. */
export async function checkOnce(
  env: EngineEnv,
  step: string,
  name: string,
  args: CheckArgs,
  signal: AbortSignal,
  prev?: Json,
): Promise<Verdict> {
  const snapshots = createSnapshotReader({ captures: () => env.context().captures, cwd: process.cwd(), signal });
  const run = await runCheck(name as CheckName, args, { cluster: readerFor(env, step, signal), snapshots }, prev);
  const v = run.verdict;
  env.journal.append('check', {
    step,
    name,
    args: JSON.parse(JSON.stringify(args)) as Record<string, Json>,
    observed: v.observed,
    verdict: v.verdict,
    summary: v.summary,
    ...(v.evidence === undefined ? {} : { evidence: v.evidence }),
  });
  return v;
}
