import { InvalidArgumentError, Option } from 'commander';
import { TRIAGE_FAULTS, type TriageFault } from '../../drill/triage-drills.js';
import { makeError } from '../../io/errors.js';
import type { LabTalosVersion } from '../../lab/talos-versions.js';
import type { Register } from './index.js';
import { etcdVolumeOption, talosVersionOption } from './lab.js';

/**
 * `talos-dr drill <runbook>`: rehearse a runbook on a fresh lab with the fault it exists for, and
 * grade the result (recovered, data intact, time to recover, each gate's answer).
 */
export const register: Register = (program, ctx, setResult) => {
  /** `drill triage --fault <f>`: a fresh lab with one fault, then triage, graded. */
  async function triageDrill(scenario: string, f: DrillFlags): Promise<void> {
    if (scenario !== 'triage' || f.fault === undefined)
      throw makeError('TDR_USAGE', {
        detail: scenario === 'triage' ? 'drill triage needs --fault <fault>' : '--fault is for `drill triage` only',
      });
    const { runTriageDrill } = await import('../../drill/run-triage-drill.js');
    const { triageDrillText } = await import('../../drill/report-text.js');
    const { mkdtempSync } = await import('node:fs');
    const { join, resolve } = await import('node:path');
    const { tmpdir } = await import('node:os');
    const dir = f.dir ? resolve(ctx.cwd, f.dir) : join(mkdtempSync(join(tmpdir(), 'talos-dr-drill-triage-')), 'lab');
    const out = f.json ? ctx.stderr : ctx.stdout;
    out.write(`drill triage --fault ${f.fault}: lab up in ${dir}\n`);
    const report = await runTriageDrill({
      fault: f.fault,
      dir,
      firstAddress: f.firstAddress,
      keepLab: f.keepLab === true,
      say: (line) => void out.write(`${line}\n`),
    });
    ctx.stdout.write(f.json ? `${JSON.stringify(report, null, 2)}\n` : triageDrillText(report));
    setResult(report.exitCode);
  }

  program
    .command('drill')
    .description('rehearse a runbook on a fresh lab: inject its fault, run it for real, grade recovery, data and time')
    .argument(
      '<runbook>',
      'a built-in runbook (or a variant: nospace-full, replace-lost-leader, member-not-syncing-slow-link), or `triage` with --fault',
    )
    .option('--approve-all', 'approve every gate by flag (recorded as such): unattended drills, lab only')
    .option('--log <file>', "keep the run's log here (default: a temp file, printed)")
    .option('--json', 'print the drill report as JSON')
    .option(...membersOption())
    .option('--sign-key <file>', "ed25519 private key (from `talos-dr log keygen`): sign the drill's log")
    .option('--keep-lab', 'leave the lab running after the drill')
    .option('--dir <path>', 'the lab dir (default: a fresh temp dir)')
    .option(
      '--first-address <ip>',
      "the lab's first member address; members count up from it (another lab on this machine needs its own range)",
      '127.0.0.11',
    )
    .addOption(talosVersionOption())
    .addOption(etcdVolumeOption())
    .addOption(
      new Option(
        '--fault <fault>',
        'drill triage: the fault triage must diagnose (graded against docs/triage.md)',
      ).choices(TRIAGE_FAULTS),
    )
    .action(async (scenario: string, f: DrillFlags) => {
      if (scenario === 'triage' || f.fault !== undefined) return triageDrill(scenario, f);
      const { runDrill } = await import('../../drill/run-runbook-drill.js');
      const { drillReportText } = await import('../../drill/report-text.js');
      const { openSigner } = await import('../../audit/sign.js');
      const { resolve } = await import('node:path');
      const report = await runDrill(
        {
          scenario,
          approveAll: f.approveAll === true,
          members: f.members,
          keepLab: f.keepLab === true,
          talosVersion: f.talosVersion,
          dedicatedEtcd: f.etcdVolume === 'dedicated',
          firstAddress: f.firstAddress,
          ...(f.dir ? { dir: f.dir } : {}),
          ...(f.log ? { log: f.log } : {}),
          ...(f.signKey ? { signer: openSigner(resolve(ctx.cwd, f.signKey)) } : {}),
        },
        f.json ? { ...ctx, stdout: ctx.stderr } : ctx,
      );
      ctx.stdout.write(f.json ? `${JSON.stringify(report, null, 2)}\n` : drillReportText(report));
      setResult(report.exitCode);
    });
};

interface DrillFlags {
  fault?: TriageFault;
  approveAll?: boolean;
  log?: string;
  json?: boolean;
  members: number;
  keepLab?: boolean;
  dir?: string;
  firstAddress: string;
  signKey?: string;
  talosVersion: LabTalosVersion;
  etcdVolume: 'ephemeral' | 'dedicated';
}

/** `--members <n>` of a lab the command brings up (drill, backup restore-drill): 1 to 9, default 3. */
export function membersOption() {
  return [
    '--members <n>',
    'lab members',
    (v: string) => {
      if (!/^[1-9]$/.test(v)) throw new InvalidArgumentError('--members must be 1 to 9');
      return Number(v);
    },
    3,
  ] as const;
}
