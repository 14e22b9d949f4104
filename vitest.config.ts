import { defineConfig } from 'vitest/config';

// Five projects: unit tests of the pure core (seconds), the same core's random and exhaustive tests
// at full scale, suites that start processes, the lab suite (real etcd on loopback), and end-to-end
// tests in a real pseudo-terminal. `npm test` runs all five.
// every project: locks, state and logs in the run's temp dir, the run's seed for fast-check
const setupFiles = ['test/setup/hermetic.ts'];

// Suites that start processes (the CLI, the stand-in talosctl, s3rver, age, shells, the
// reliability campaign): they take minutes on a busy 2-core host, so they are their own project
// and `unit` stays the pure core, in seconds.
const PROCESS_SUITES = [
  'test/backup/age-cli.test.ts',
  'test/backup/cli.test.ts',
  'test/backup/deploy-files.test.ts',
  'test/backup/maintenance-s3.test.ts',
  'test/backup/pipeline.test.ts',
  'test/backup/s3-target.test.ts',
  // test/cli/ holds both kinds: these files start the built CLI (or a shell on its completion
  // script); every other file there mirrors a module of src/cli/ (test/cli/commands/lint.test.ts
  // for src/cli/commands/lint.ts) and runs it in-process with a captured CliContext, so it stays
  // in `unit`. Naming the process files, rather than a folder for either kind, keeps the mirror.
  'test/cli/completion.test.ts',
  'test/cli/dist-imports.test.ts',
  'test/cli/help-loads.test.ts',
  'test/cli/hung-nodes.test.ts',
  'test/cli/lock-cluster.test.ts',
  'test/cli/lock-default-location.test.ts',
  'test/cli/log.test.ts',
  'test/cli/main-process.test.ts',
  'test/cli/man-page.test.ts',
  'test/cli/recorded-runs.test.ts',
  'test/cli/run-commands.test.ts',
  'test/cli/run-killed-at-start.test.ts',
  'test/cli/runbook-commands.test.ts',
  'test/cli/signed-attacks.test.ts',
  'test/engine/approve-target.test.ts',
  'test/engine/cluster-identity.test.ts',
  'test/engine/crash-property-regressions.test.ts',
  'test/engine/lock-takeover.test.ts',
  'test/engine/lock.test.ts',
  'test/engine/manual-approve.test.ts',
  'test/engine/no-retry-config.test.ts',
  'test/engine/parallel-reads.test.ts',
  'test/engine/replay-poll-timeout.test.ts',
  'test/engine/resume-done-check.test.ts',
  'test/engine/resume.test.ts',
  'test/engine/run.test.ts',
  'test/engine/snapshot-no-overwrite.test.ts',
  'test/engine/unanswered.test.ts',
  'test/drill/exec-self.test.ts',
  'test/drill/lab-grade.test.ts',
  'test/engine/unknown-outcome-gate.test.ts',
  'test/lab/lab.test.ts',
  'test/lab/run-process.test.ts',
  'test/reliability/**',
  'test/talos/talosctl.test.ts',
  'test/triage/cli.test.ts',
  'test/triage/recommend-shell.test.ts',
  'test/triage/watch.test.ts',
];

// Files whose random (fast-check) or exhaustive tests take a count or a sample from
// test/helpers/scale.ts: unit runs them small (a seeded sample of the exhaustive loops), the
// `properties` project runs them again at the full count they were written for.
const SCALED_SUITES = [
  'test/audit/attack-signed-log.test.ts',
  'test/audit/verify-bytes.test.ts',
  'test/audit/verify.test.ts',
  'test/backup/retention-property.test.ts',
  'test/compile/verify.test.ts',
  'test/runbook/mutations.test.ts',
];

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
          exclude: ['test/integration/**', 'test/e2e/**', ...PROCESS_SUITES],
          // generous: the host is shared; at load 19 one exhaustive test took 27 s (1.2 s idle)
          testTimeout: 90_000,
          // Pure suites share one module graph per worker: re-importing zod, yaml, xstate and the
          // compiler for each of ~100 files was more than half the project's time. Safe because
          // these suites start no process, mock no module and restore what they change (PATH in
          // witness.test.ts, spies by restoreMocks); a suite that cannot promise that goes to
          // PROCESS_SUITES. Two workers on a 2-core host: the main process idles while they run.
          isolate: false,
          maxWorkers: 2,
          // its own group, run first: vitest refuses projects with different maxWorkers in one group
          sequence: { groupOrder: 0 },
        },
      },
      {
        test: {
          name: 'properties',
          sequence: { groupOrder: 1 },
          setupFiles,
          include: SCALED_SUITES,
          env: { TALOS_DR_TEST_SCALE: 'full' },
          testTimeout: 120_000,
          isolate: false,
        },
      },
      {
        test: {
          name: 'process',
          sequence: { groupOrder: 1 },
          setupFiles,
          include: PROCESS_SUITES,
          testTimeout: 60_000,
        },
      },
      {
        test: {
          name: 'lab',
          sequence: { groupOrder: 1 },
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
          sequence: { groupOrder: 1 },
          setupFiles,
          include: ['test/e2e/**/*.test.ts'],
          testTimeout: 60_000,
          fileParallelism: false,
        },
      },
    ],
  },
});
