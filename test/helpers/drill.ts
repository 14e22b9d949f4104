import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { expect } from 'vitest';
import { runCli } from './run-cli.js';

/** What `talos-dr drill --json` reports (the fields the lab tests read). */
export interface DrillReport {
  scenario: string;
  fault: string;
  run: { outcome: string; exitCode: number; stepId: string | null };
  recovered: boolean;
  checks: { name: string; ok: boolean; detail: string }[];
  data: {
    before: { keys: number; sha256: string };
    expected: { keys: number; sha256: string };
    after: { keys: number; sha256: string } | null;
    intact: boolean;
  };
  timeToRecoverMs: number;
  gates: { step: string; approved: boolean; who: string; how: string }[];
  exitCode: number;
  log: string;
  labDir: string;
}

/**
 * Runs `talos-dr drill <scenario> --approve-all --json` on a lab in `work`, checks that its log
 * verifies, and returns the report with every argv the run sent to talosctl.
 */
export async function drillOnLab(
  work: string,
  scenario: string,
  extra: readonly string[] = [],
  name = scenario,
): Promise<{ code: number; report: DrillReport; argvs: string[][] }> {
  const log = join(work, `${name}.jsonl`);
  const args = ['drill', scenario, '--approve-all', '--json', '--dir', join(work, 'lab'), '--log', log, ...extra];
  const r = await runCli(args, { timeoutMs: 240_000 });
  let report: DrillReport;
  try {
    report = JSON.parse(r.stdout) as DrillReport;
  } catch {
    throw new Error(`drill ${scenario} printed no JSON (exit ${r.code}):\n${r.stdout}\n${r.stderr.slice(-3000)}`);
  }
  const v = await runCli(['log', 'verify', log]);
  expect(v.code, v.stdout + v.stderr).toBe(0);
  const argvs = readFileSync(log, 'utf8')
    .split('\n')
    .filter(Boolean)
    .map((l) => JSON.parse(l) as { type: string; payload: { argv?: string[] } })
    .filter((x) => x.type === 'command-result')
    .map((x) => x.payload.argv ?? []);
  return { code: r.code, report, argvs };
}

export const ran = (argvs: string[][], words: string): boolean => argvs.some((a) => a.join(' ').startsWith(words));
