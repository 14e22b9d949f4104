import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { backoffDelay, maxPolls } from '../../src/runbook/backoff.js';
import type { PollPolicy } from '../../src/runbook/model.js';
import { runRunbook } from '../compile/run-machine.js';

describe('backoffDelay', () => {
  it('starts at the first delay, grows by the factor, stops at the cap', () => {
    const b = { firstMs: 1000, factor: 2, maxMs: 5000 };
    expect([0, 1, 2, 3, 4, 10].map((n) => backoffDelay(b, n))).toEqual([1000, 1000, 2000, 4000, 5000, 5000]);
  });

  it('caps even the first delay (an interval above its maxInterval waits the max)', () => {
    expect(backoffDelay({ firstMs: 10_000, factor: 1, maxMs: 2000 }, 1)).toBe(2000);
  });
});

/** A runbook with one wait that never passes, polled under `poll`. */
function waitRunbook(p: { timeout: string; interval: string; backoff: number; maxInterval: string }): string {
  const dir = mkdtempSync(join(tmpdir(), 'tdr-backoff-'));
  const file = join(dir, 'wait.yaml');
  writeFileSync(
    file,
    `apiVersion: talos-dr/v1
kind: Runbook
metadata: { name: wait, title: Wait }
params:
  nodes: { type: nodes, description: n }
steps:
  - id: settle
    wait:
      check: no-alarms
      with: { nodes: { ref: params.nodes } }
      timeout: ${p.timeout}
      interval: ${p.interval}
      backoff: ${p.backoff}
      maxInterval: ${p.maxInterval}
`,
  );
  return file;
}

describe('maxPolls', () => {
  // the count the operator reads ("poll 3 of at most 11") against the polls the compiled machine
  // really makes before its timeout, on a simulated clock: both walk one schedule
  const cases: Array<[{ timeout: string; interval: string; backoff: number; maxInterval: string }, PollPolicy]> = [
    [
      { timeout: '10500ms', interval: '1s', backoff: 1, maxInterval: '1m' },
      { timeoutMs: 10_500, intervalMs: 1000, factor: 1, maxIntervalMs: 60_000 },
    ],
    [
      { timeout: '30500ms', interval: '1s', backoff: 2, maxInterval: '8s' },
      { timeoutMs: 30_500, intervalMs: 1000, factor: 2, maxIntervalMs: 8000 },
    ],
    [
      { timeout: '9500ms', interval: '10s', backoff: 1, maxInterval: '2s' },
      { timeoutMs: 9500, intervalMs: 10_000, factor: 1, maxIntervalMs: 2000 },
    ],
  ];
  for (const [yaml, policy] of cases) {
    it(`equals the polls a compiled wait makes (${JSON.stringify(yaml)})`, async () => {
      const { output, log } = await runRunbook(
        waitRunbook(yaml),
        { nodes: ['10.0.0.1'] },
        { check: () => 'fail' },
        250,
      );
      expect(output.outcome).toBe('failed');
      const polls = log.filter((l) => l.includes(' wait no-alarms ')).length;
      expect(polls).toBe(maxPolls(policy));
    });
  }
});
