import { ExitCode } from '../io/exit-codes.js';
import type { BackupRecord } from './record.js';

/**
 * The restore drill's report (`backup restore-drill`), graded like `drill`'s: refused before any
 * lab (the backup cannot be read or is not what the catalog says: exit 4, nothing touched), or
 * restored into a fresh lab and checked against the catalog (exit 0 when every check passed,
 * else 1).
 */

export interface RestoreDrillCheck {
  readonly name: string;
  readonly ok: boolean;
  readonly detail: string;
}

export interface SnapshotFigures {
  readonly hash: string;
  readonly revision: number;
  readonly totalKeys: number;
}

export interface RestoreDrillReport {
  readonly backup: {
    readonly id: string;
    readonly cluster: { readonly id: string; readonly name: string };
    readonly takenAt: string;
    readonly object: string | null;
    readonly encrypted: boolean;
  };
  readonly target: string;
  /** what the catalog says of the snapshot */
  readonly expected: SnapshotFigures | null;
  /** why the backup was refused before any lab was started (exit 4) */
  readonly refused: { readonly problem: string; readonly detail: string } | null;
  /** the snapshot read back from the backup: its size and what `snapshot status` says */
  readonly snapshot: (SnapshotFigures & { readonly bytes: number }) | null;
  readonly lab: {
    readonly dir: string;
    readonly members: number;
    readonly firstAddress: string;
    readonly kept: boolean;
    /** processes of the lab still alive after the teardown (none, unless --keep-lab) */
    readonly leftPids: readonly number[];
  } | null;
  /** the restored cluster came up: every member started, a voter, one leader */
  readonly restored: boolean;
  readonly checks: readonly RestoreDrillCheck[];
  /** keys a client sees in the restored cluster (`etcdctl get "" --prefix`'s count) */
  readonly liveKeys: number | null;
  readonly times: {
    readonly openMs: number;
    readonly labUpMs: number | null;
    /** from the first reset to a healthy restored cluster: what a real restore would take */
    readonly restoreMs: number | null;
    readonly checkMs: number | null;
    readonly totalMs: number;
  };
  readonly exitCode: number;
}

/** What differs between a snapshot's status and the catalog's figures, in words (empty: none). */
export function snapshotDifferences(got: SnapshotFigures, want: SnapshotFigures): string[] {
  const out: string[] = [];
  if (got.revision !== want.revision) out.push(`revision differs: ${got.revision}, the catalog says ${want.revision}`);
  if (got.totalKeys !== want.totalKeys)
    out.push(`key count differs: ${got.totalKeys} keys, the catalog says ${want.totalKeys}`);
  if (want.hash !== '' && got.hash !== want.hash)
    out.push(`etcd hash differs: ${got.hash}, the catalog says ${want.hash}`);
  return out;
}

/** 4 when refused before any lab, 0 when restored and every check passed, 1 otherwise. */
export function gradeRestoreDrill(r: {
  refused: unknown;
  restored: boolean;
  checks: readonly RestoreDrillCheck[];
}): number {
  if (r.refused !== null) return ExitCode.precondition;
  return r.restored && r.checks.length > 0 && r.checks.every((c) => c.ok) ? ExitCode.ok : ExitCode.failed;
}

export function backupHead(record: BackupRecord): RestoreDrillReport['backup'] {
  return {
    id: record.id,
    cluster: record.cluster,
    takenAt: record.takenAt,
    object: record.object?.key ?? null,
    encrypted: (record.object?.recipients.length ?? 0) > 0,
  };
}

const secs = (ms: number | null): string => (ms === null ? '-' : `${(ms / 1000).toFixed(1)} s`);

/** The report an operator reads: the verdict first, then what it rests on. */
export function restoreDrillText(r: RestoreDrillReport): string {
  const mark = (ok: boolean): string => (ok ? '✔' : '✘');
  const verdict =
    r.exitCode === ExitCode.ok ? 'RESTORED AND VERIFIED' : r.refused ? 'REFUSED (nothing restored)' : 'FAILED';
  const exp = r.expected;
  const lines = [
    '',
    `━━ RESTORE DRILL backup ${r.backup.id}: ${verdict}`,
    `  cluster         ${r.backup.cluster.name} (${r.backup.cluster.id})`,
    `  taken at        ${r.backup.takenAt}`,
    `  target          ${r.target}${r.backup.object ? ` (${r.backup.object}${r.backup.encrypted ? ', age' : ''})` : ''}`,
    `  catalog         ${exp ? `revision ${exp.revision}, ${exp.totalKeys} keys, etcd hash ${exp.hash}` : 'no snapshot figures'}`,
  ];
  if (r.refused) lines.push(`  ${mark(false)} refused      ${r.refused.problem}: ${r.refused.detail}`);
  if (r.snapshot)
    lines.push(
      `  snapshot        ${r.snapshot.bytes} bytes, revision ${r.snapshot.revision}, ${r.snapshot.totalKeys} keys, etcd hash ${r.snapshot.hash}`,
    );
  if (r.lab) {
    lines.push(
      `  ${mark(r.restored)} restored     ${r.restored ? 'yes' : 'no'}: ${r.lab.members} members from ${r.lab.firstAddress}`,
    );
    lines.push(...r.checks.map((c) => `      ${mark(c.ok)} ${c.name}: ${c.detail}`));
    lines.push(`  live keys       ${r.liveKeys ?? '-'}`);
  }
  lines.push(
    `  times           open ${secs(r.times.openMs)} · lab up ${secs(r.times.labUpMs)} · restore ${secs(r.times.restoreMs)} · checks ${secs(r.times.checkMs)} · total ${secs(r.times.totalMs)}`,
  );
  if (r.lab)
    lines.push(
      `  lab             ${r.lab.kept ? `kept running in ${r.lab.dir} (talos-dr lab down --dir ${r.lab.dir})` : `down (${r.lab.dir})`}${r.lab.leftPids.length > 0 && !r.lab.kept ? `; LEFT RUNNING: ${r.lab.leftPids.join(', ')}` : ''}`,
    );
  else lines.push('  lab             none started');
  return `${lines.join('\n')}\n`;
}
