import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { TestProject } from 'vitest/node';

/**
 * Once per `vitest run`: one temp dir for every lock, state (witness head files) and default log
 * directory the tests' runs would otherwise put in the user's real ~/.local/state, and one seed for
 * the random (fast-check) tests. `TALOS_DR_TEST_SEED` fixes the seed (CI sets it, .ci/run);
 * otherwise a new one is drawn and printed so a failure can be replayed.
 */
export default function setup(project: TestProject): () => void {
  const root = mkdtempSync(join(tmpdir(), 'tdr-test-run-'));
  const fixed = process.env.TALOS_DR_TEST_SEED;
  const seed = fixed !== undefined && fixed !== '' ? Number(fixed) : Math.floor(Math.random() * 2 ** 31);
  if (!Number.isSafeInteger(seed)) throw new Error(`TALOS_DR_TEST_SEED=${fixed}: not an integer`);
  process.stdout.write(
    `random tests: seed ${seed}${fixed ? ' (from TALOS_DR_TEST_SEED)' : ` (replay with TALOS_DR_TEST_SEED=${seed})`}\n`,
  );
  project.provide('tdrStateRoot', root);
  project.provide('tdrSeed', seed);
  return () => rmSync(root, { recursive: true, force: true });
}

declare module 'vitest' {
  export interface ProvidedContext {
    tdrStateRoot: string;
    tdrSeed: number;
  }
}
