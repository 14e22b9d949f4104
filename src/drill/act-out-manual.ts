import { heal } from '../lab/faults.js';

/**
 * The drill acting as the operator for a runbook's manual step ("power on every machine", "bring
 * in the replacement"): the lab powers machines back on with `lab heal`. The engine journals the
 * answer as a drill-operator deviation, so the log never shows it as a person.
 */
export async function actOutManual(
  dir: string,
  stepId: string,
): Promise<{ done: boolean; by: string; detail: string }> {
  const out = await heal(dir);
  return {
    done: true,
    by: 'the drill (acting as operator on the lab)',
    detail: `${stepId}: ran \`talos-dr lab heal\`${out.length ? `: ${out.join('; ')}` : ' (nothing was down)'}`,
  };
}
