import { readdirSync, readFileSync } from 'node:fs';
import { lintRunbook } from '../../src/compile/lint.js';
import { parseParams } from '../../src/engine/params.js';
import { viewCluster } from '../../src/triage/cluster-view.js';
import { replayPolls } from '../../src/triage/gather.js';
import { DEFAULT_MAX_LAG, DEFAULT_QUOTA_BYTES, type Triage, type TriageOptions } from '../../src/triage/model.js';
import { parseRecording, type Recording } from '../../src/triage/recording.js';
import type { Row } from '../../src/triage/row.js';
import { triage } from '../../src/triage/triage.js';

/** The recorded and derived cluster states of fixtures/triage/, replayed through the real reader. */

export const FIXTURES = 'fixtures/triage';

export function fixtureNames(): string[] {
  return readdirSync(FIXTURES)
    .filter((f) => f.endsWith('.json'))
    .map((f) => f.slice(0, -'.json'.length))
    .sort();
}

export function loadFixture(name: string): Recording {
  const r = parseRecording(readFileSync(`${FIXTURES}/${name}.json`, 'utf8'));
  if (!r.ok) throw new Error(`${name}: ${r.reason}`);
  return r.recording;
}

export async function triageOf(
  rec: Recording,
  options: Partial<Omit<TriageOptions, 'nodes'>> = {},
  connection: string[] = [],
): Promise<Triage> {
  const polls = await replayPolls(rec, new AbortController().signal);
  return triage(
    {
      options: { nodes: rec.nodes, quotaBytes: DEFAULT_QUOTA_BYTES, maxLag: DEFAULT_MAX_LAG, ...options },
      ...polls,
    },
    connection,
  );
}

export async function triageFixture(name: string, options: Partial<Omit<TriageOptions, 'nodes'>> = {}) {
  return triageOf(loadFixture(name), options);
}

/** The runbook's own param validation (what `talos-dr run` does before anything runs). */
export function validateRunParams(runbook: string, params: Record<string, string>) {
  const path = `runbooks/${runbook}.yaml`;
  const lint = lintRunbook(readFileSync(path, 'utf8'), path);
  if (!lint.ok) throw new Error(`${path} does not lint`);
  return parseParams(
    lint.runbook.params,
    Object.entries(params).map(([k, v]) => `${k}=${v}`),
  );
}

/** Every call of a node (in both polls) replaced by a timeout, as the reader sees a hung node. */
export function timeOut(rec: Recording, node: string): Recording {
  const copy = structuredClone(rec);
  for (const p of copy.polls)
    for (const c of p.calls)
      if (c.node === node) Object.assign(c, { exitCode: null, stdout: '', stderr: '', timedOut: true });
  return copy;
}

/** A fixture's cluster view, as triage builds it before the decision table reads it. */
export async function viewOfFixture(name: string, options: Partial<Omit<TriageOptions, 'nodes'>> = {}) {
  const rec = loadFixture(name);
  const polls = await replayPolls(rec, new AbortController().signal);
  const o: TriageOptions = { nodes: rec.nodes, quotaBytes: DEFAULT_QUOTA_BYTES, maxLag: DEFAULT_MAX_LAG, ...options };
  return { view: viewCluster(polls.first, polls.second, o), options: o, polls };
}

const views = new Map<string, ReturnType<typeof viewOfFixture>>();

/** The fixtures on which `row`, asked alone (no row above it), decides; views built once per worker. */
export async function fixturesDecidedBy(row: Row): Promise<string[]> {
  const out: string[] = [];
  for (const name of fixtureNames()) {
    const v = views.get(name) ?? viewOfFixture(name);
    views.set(name, v);
    const { view, options } = await v;
    if (row.decide(view, options) !== undefined) out.push(name);
  }
  return out;
}
