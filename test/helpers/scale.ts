import { TEST_SEED } from '../setup/hermetic.js';

/**
 * How hard the random and exhaustive tests push. The unit project runs each at a small count so it
 * stays fast on a shared 2-core host; the `properties` project (part of `npm test`, so CI) runs the
 * same files with TALOS_DR_TEST_SCALE=full at the counts the properties were written for, and the
 * reliability campaign (TALOS_DR_RELIABILITY=1) implies full too. The seed is the run's either way
 * (test/setup/hermetic.ts), so a failure found at either scale replays.
 */
export const FULL_SCALE = process.env.TALOS_DR_TEST_SCALE === 'full' || process.env.TALOS_DR_RELIABILITY === '1';

/** `full` cases in the properties project, `unit` in the unit project. */
export function scaled(full: number, unit: number): number {
  if (!Number.isInteger(full) || !Number.isInteger(unit) || unit < 1 || unit > full)
    throw new Error(`scaled(${full}, ${unit}): want integers with 1 <= unit <= full`);
  return FULL_SCALE ? full : unit;
}

/**
 * For exhaustive loops (every byte, every record × every attack): in the properties project every
 * case; in unit one in `every`, chosen by the run's seed, so successive runs cover different cases
 * and a failure replays with TALOS_DR_TEST_SEED.
 */
export function sampled(index: number, every: number): boolean {
  return FULL_SCALE || (index + TEST_SEED) % every === 0;
}
