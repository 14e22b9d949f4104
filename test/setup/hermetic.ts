import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import fc from 'fast-check';
import { inject } from 'vitest';

/**
 * Every test file, every project: the lock, state and log directories point at this run's temp
 * dir (test/setup/global.ts), never at the real per-user ~/.local/state/talos-dr, so another
 * talos-dr run on the same machine (holding its lock) cannot change a test's outcome. Child
 * processes (the CLI under test) inherit these variables. A test that needs the real default
 * location sets HOME/XDG_STATE_HOME to a temp dir of its own and deletes these variables there.
 */
const root = join(inject('tdrStateRoot'), `w${process.pid}`);
for (const d of ['locks', 'state', 'logs', 'xdg-state']) mkdirSync(join(root, d), { recursive: true });
process.env.TALOS_DR_LOCK_DIR = join(root, 'locks');
process.env.TALOS_DR_STATE_DIR = join(root, 'state');
process.env.TALOS_DR_LOG_DIR = join(root, 'logs');
process.env.XDG_STATE_HOME = join(root, 'xdg-state');

// one seed for every fast-check property of the run (printed once by the global setup)
export const TEST_SEED = inject('tdrSeed');
fc.configureGlobal({ seed: TEST_SEED });
