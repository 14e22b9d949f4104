import { defineConfig } from 'vitest/config';

// Three projects: fast unit tests (seconds), the lab suite (real etcd on loopback), and
// end-to-end tests in a real pseudo-terminal. `npm test` runs all three.
// every project: locks, state and logs in the run's temp dir, the run's seed for fast-check
const setupFiles = ['test/setup/hermetic.ts'];

export default defineConfig({
  test: {
    clearMocks: true,
    restoreMocks: true,
    // hermetic: locks, state and logs in a per-run temp dir; one printed (or fixed) random seed
    globalSetup: ['test/setup/global.ts'],
    projects: [
      {
        test: {
          name: 'unit',
          setupFiles,
          include: ['test/**/*.test.ts'],
          exclude: ['test/integration/**', 'test/e2e/**'],
          testTimeout: 20_000,
        },
      },
      {
        test: {
          name: 'lab',
          setupFiles,
          include: ['test/integration/**/*.test.ts'],
          testTimeout: 180_000,
          hookTimeout: 120_000,
          // one lab at a time: the members bind fixed loopback addresses
          fileParallelism: false,
        },
      },
      {
        test: {
          name: 'e2e',
          setupFiles,
          include: ['test/e2e/**/*.test.ts'],
          testTimeout: 60_000,
          fileParallelism: false,
        },
      },
    ],
  },
});
