import { labDown, labTalosctl, labUp } from '../lab/lab.js';
import type { LabState } from '../lab/state.js';
import { applyFaults } from './apply-fault.js';
import { execSelf } from './exec-self.js';
import { TRIAGE_DRILLS, type TriageAnswer, type TriageFault } from './triage-drills.js';
import { gradeTriage, type TriageGot } from './triage-grade.js';

/**
 * `talos-dr drill triage --fault <f>`: a fresh lab, one fault (its row of the fault table), then
 * `talos-dr triage --json` as a responder runs it (the lab's talosctl, every node, default
 * thresholds but the lab's true quota), graded against the verdict table of docs/triage.md: the
 * right row, the right runbook (or none), the right params, and the right member.
 */

const QUOTA = 33554432;

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
    const drill = TRIAGE_DRILLS[o.fault];
    const applied = await applyFaults([drill.fault], { dir: o.dir, lab: up.lab });
    stop = applied.stopLoads;
    o.say(`fault: ${applied.text}`);
    const right = drill.right({
      nodes: up.lab.nodes.map((n) => n.ip).join(','),
      members: String(up.lab.nodes.length),
      node: applied.node ?? '',
    });
    const got = await triageOnLab(o.dir, up.lab);
    const grade = gradeTriage(right, got);
    return {
      scenario: 'triage',
      fault: o.fault,
      injected: applied.text,
      right,
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
  const r = await execSelf('talos-dr', args, { env: { ...process.env, TALOS_DR_LAB_DIR: dir } });
  try {
    return JSON.parse(String(r.stdout)) as TriageGot;
  } catch {
    return null;
  }
}
