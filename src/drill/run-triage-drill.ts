import { makeError } from '../io/errors.js';
import { endpointStatus } from '../lab/etcdctl.js';
import { injectFault } from '../lab/faults.js';
import { labDown, labTalosctl, labUp } from '../lab/lab.js';
import type { LabState } from '../lab/state.js';
import { waitBehind, writeLoad } from '../lab/write-load.js';
import { execSelf, fillInChild, leaderOf } from './runbook-drills.js';
import type { TriageFault } from './triage-faults.js';

/**
 * `talos-dr drill triage --fault <f>`: a fresh lab, one fault, then `talos-dr triage --json` as a
 * responder runs it (the lab's talosctl, every node, default thresholds but the lab's true quota),
 * graded against the verdict table of docs/triage.md: the right row, the right runbook (or none),
 * the right params, and the right member.
 */

/** One right answer: the decision-table row, its runbook and params, and the node it is about. */
export interface TriageAnswer {
  row: string;
  runbook: string | null;
  params?: Record<string, string>;
  /** the faulted node the verdict must name */
  subject?: string;
}

interface Setup {
  fault: string;
  /** the right answers (more than one only where the lab itself may show either) */
  right: TriageAnswer[];
  stop?: () => Promise<void>;
}

const QUOTA = 33554432;

export interface TriageGot {
  row: string;
  verdict: string;
  exitCode: number;
  subject: { node: string; member: string } | null;
  recommendation: { runbook: string; params: Record<string, string>; command: string } | null;
  headline: string;
  tookMs: number | null;
}

export interface TriageDrillReport {
  scenario: 'triage';
  fault: TriageFault;
  injected: string;
  right: TriageAnswer[];
  got: TriageGot | null;
  graded: boolean;
  why: string;
  exitCode: number;
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

async function until(what: string, ok: () => Promise<boolean>, ms = 30_000): Promise<void> {
  const deadline = Date.now() + ms;
  while (!(await ok())) {
    if (Date.now() > deadline)
      throw makeError('TDR_LAB_FAILED', { detail: `${what} did not happen within ${ms / 1000}s` });
    await sleep(250);
  }
}

/** What each fault does to the lab, and what triage must answer (docs/triage.md, verdict table). */
async function setUp(fault: TriageFault, dir: string, lab: LabState): Promise<Setup> {
  const nodes = lab.nodes.map((n) => n.ip).join(',');
  const members = String(lab.nodes.length);
  const { leader, followers } = await leaderOf(lab);
  const node = followers.at(-1) ?? leader;
  const inject = (f: Parameters<typeof injectFault>[1], o: Parameters<typeof injectFault>[2] = {}) =>
    injectFault(dir, f, o);
  switch (fault) {
    case 'healthy':
      return { fault: 'none', right: [{ row: 'healthy', runbook: null }] };
    case 'nospace':
    case 'nospace-full':
      return {
        fault: await fillInChild(dir, fault),
        right: [{ row: 'nospace', runbook: 'nospace-recovery', params: { nodes } }],
      };
    case 'lose':
    case 'kill':
      return {
        fault: await inject(fault, { node }),
        right: [{ row: 'member-lost', runbook: 'replace-lost-member', params: { nodes, members }, subject: node }],
      };
    case 'stuck-learner':
      return {
        fault: await inject('stuck-learner', { node }),
        right: [{ row: 'learner', runbook: 'member-not-syncing', params: { nodes, members }, subject: node }],
      };
    case 'quorum-loss':
      return {
        fault: await inject('quorum-loss'),
        right: [
          {
            row: 'quorum-lost-machines-down',
            runbook: 'restore-from-snapshot',
            params: { nodes, snapshot: '<snapshot file>', members },
          },
        ],
      };
    case 'partition': {
      const msg = await inject('partition', { node });
      await until(`${node} losing its leader`, async () => (await endpointStatus(node, 2))?.leader === '0');
      return { fault: msg, right: [{ row: 'partition', runbook: null, subject: node }] };
    }
    case 'latency': {
      // 2 s each way: it keeps its leader and stays ~400 entries behind under the load (measured);
      // more (6 s) makes it miss heartbeats and lose the leader: a partition, not a lag
      const msg = await inject('latency', { node, ms: 4000 });
      const load = writeLoad(leader, 200);
      const behind = await waitBehind(leader, node, 300);
      await sleep(8000); // past the cut-over's first burst of lag, to the steady state
      return {
        fault: `${msg}; ${load.describe()}; ${behind}`,
        right: [
          { row: 'lagging', runbook: 'member-not-syncing', params: { nodes, members, maxLag: '100' }, subject: node },
        ],
        stop: load.stop,
      };
    }
    case 'loss': {
      const msg = await inject('loss', { node, percent: 30 });
      const load = writeLoad(leader, 200);
      await until(`${node} falling behind or losing its leader`, async () => {
        const [l, n] = await Promise.all([endpointStatus(leader, 2), endpointStatus(node, 2)]);
        return n !== null && l !== null && (n.leader === '0' || l.raftIndex - n.raftIndex >= 300);
      });
      return {
        fault: `${msg}; ${load.describe()}`,
        // 30% loss each way: the member keeps a leader and falls behind, or misses enough
        // heartbeats to lose it (measured: both happen); each view has its documented answer
        right: [
          { row: 'lagging', runbook: 'member-not-syncing', params: { nodes, members, maxLag: '100' }, subject: node },
          { row: 'partition', runbook: null, subject: node },
        ],
        stop: load.stop,
      };
    }
    case 'flap-leader': {
      const msg = await inject('flap-leader', { cutMs: 2500, everyMs: 3000 });
      // the first cut has come and gone: the leader changed at least once before triage looks
      const first = (await endpointStatus(leader, 2))?.leader;
      await until('a first leader change', async () => {
        const now = await endpointStatus(followers[0] ?? leader, 2);
        return now !== null && now.leader !== '0' && now.leader !== first;
      });
      return { fault: msg, right: [{ row: 'leader-unstable', runbook: null }] };
    }
  }
}

/** Whether `got` is one of the right answers, and why not. */
export function gradeTriage(right: readonly TriageAnswer[], got: TriageGot | null): { ok: boolean; why: string } {
  if (got === null) return { ok: false, why: 'triage printed no JSON' };
  const misses = right.map((r) => missOf(r, got));
  const hit = misses.findIndex((m) => m === undefined);
  if (hit >= 0) {
    const r = right[hit];
    return { ok: true, why: `row ${got.row}${r?.runbook ? `, ${r.runbook} with the right params` : ', no runbook'}` };
  }
  return { ok: false, why: misses.join('; or ') };
}

function missOf(r: TriageAnswer, got: TriageGot): string | undefined {
  if (got.row !== r.row) return `row ${got.row}, expected ${r.row}`;
  const runbook = got.recommendation?.runbook ?? null;
  if (runbook !== r.runbook) return `runbook ${runbook ?? 'none'}, expected ${r.runbook ?? 'none'}`;
  if (r.params !== undefined) {
    const have = got.recommendation?.params ?? {};
    const keys = [...new Set([...Object.keys(have), ...Object.keys(r.params)])].sort();
    const wrong = keys.filter((k) => have[k] !== r.params?.[k]);
    if (wrong.length > 0)
      return `params ${wrong.map((k) => `${k}=${have[k] ?? '(none)'} (expected ${r.params?.[k] ?? 'none'})`).join(', ')}`;
  }
  if (r.subject !== undefined && got.subject?.node !== r.subject)
    return `about ${got.subject?.node ?? 'no node'}, expected ${r.subject}`;
  return undefined;
}

export interface TriageDrillOptions {
  fault: TriageFault;
  dir: string;
  firstAddress?: string;
  keepLab: boolean;
  say: (line: string) => void;
}

export async function runTriageDrill(o: TriageDrillOptions): Promise<TriageDrillReport> {
  const up = await labUp({
    dir: o.dir,
    members: 3,
    quotaBytes: QUOTA,
    seedKeys: 100,
    ...(o.firstAddress ? { firstAddress: o.firstAddress } : {}),
  });
  let stop: (() => Promise<void>) | undefined;
  try {
    const s = await setUp(o.fault, o.dir, up.lab);
    stop = s.stop;
    o.say(`fault: ${s.fault}`);
    const got = await triageOnLab(o.dir, up.lab);
    const grade = gradeTriage(s.right, got);
    return {
      scenario: 'triage',
      fault: o.fault,
      injected: s.fault,
      right: s.right,
      got,
      graded: grade.ok,
      why: grade.why,
      exitCode: grade.ok ? 0 : 1,
    };
  } finally {
    await stop?.();
    if (!o.keepLab) await labDown(o.dir);
  }
}

/** `talos-dr triage --json` on the lab, as a separate process, as a responder would run it. */
async function triageOnLab(dir: string, lab: LabState): Promise<TriageGot | null> {
  const args = [
    'triage',
    '--json',
    '--param',
    `nodes=${lab.nodes.map((n) => n.ip).join(',')}`,
    '--quota',
    String(QUOTA),
    '--talosctl',
    labTalosctl(dir),
  ];
  const r = await execSelf('talos-dr', args, { reject: false, env: { ...process.env, TALOS_DR_LAB_DIR: dir } });
  try {
    return JSON.parse(String(r.stdout)) as TriageGot;
  } catch {
    return null;
  }
}

export function triageDrillText(r: TriageDrillReport): string {
  const got = r.got;
  const lines = [
    `━━ DRILL triage --fault ${r.fault}: ${r.graded ? 'PASSED' : 'FAILED'}`,
    `  fault           ${r.injected}`,
    `  triage said     ${got ? `${got.verdict} (row ${got.row}, exit ${got.exitCode}): ${got.headline}` : 'nothing (no JSON)'}`,
    `  it recommends   ${got?.recommendation?.command ?? 'no runbook'}`,
    `  right answer    ${r.right.map((a) => `${a.row}${a.runbook ? ` → ${a.runbook}` : ''}${a.subject ? ` about ${a.subject}` : ''}`).join(' or ')}`,
    `  ${r.graded ? '✔' : '✘'} graded        ${r.why}`,
    ...(got?.tookMs ? [`  triage took     ${(got.tookMs / 1000).toFixed(1)} s`] : []),
  ];
  return `${lines.join('\n')}\n`;
}
