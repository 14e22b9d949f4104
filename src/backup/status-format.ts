import { humanizeBytes } from '../lab/format.js';
import { type ClusterStatus, formatAge } from './status.js';

/**
 * The three views of `backup status`: text for a person, JSON for scripts, and the Prometheus
 * text exposition format (version 0.0.4) for node_exporter's textfile collector, written by hand:
 * one `# HELP` and `# TYPE` per family, its samples together, label values escaped, `\n` ends.
 */

export function statusText(
  clusters: readonly ClusterStatus[],
  o: { url: string; maxAgeSeconds: number | undefined },
): string {
  if (clusters.length === 0) return `no backups in the catalog at ${o.url}\n`;
  const lines: string[] = [];
  for (const c of clusters) {
    lines.push(`cluster ${c.cluster.id}${c.cluster.name ? ` (${c.cluster.name})` : ''}`);
    const v = c.newestVerified;
    lines.push(
      v === undefined
        ? '  newest verified  none'
        : `  newest verified  ${v.id}  taken ${v.takenAt}, ${formatAge(v.ageSeconds)} ago, ${humanizeBytes(v.objectBytes)} stored, revision ${v.revision}, ${v.totalKeys} keys`,
    );
    const r = c.newestRun;
    if (r !== undefined)
      lines.push(`  newest run       ${r.id}  ${r.result}${r.failure === undefined ? '' : `: ${r.failure}`}`);
    const lv = c.lastVerify;
    lines.push(
      lv === undefined
        ? '  last verify      never'
        : `  last verify      ${lv.at}  ${lv.ok ? 'ok' : `FAILED: ${lv.detail}`}  (${lv.id})`,
    );
    const b = c.backups;
    lines.push(`  backups          ${b.verified} verified, ${b.unverified} unverified, ${b.failed} failed`);
    const max = o.maxAgeSeconds === undefined ? '' : ` (max ${formatAge(o.maxAgeSeconds)})`;
    lines.push(c.problem === undefined ? `  OK${max}` : `  PROBLEM: ${c.problem}`);
  }
  return `${lines.join('\n')}\n`;
}

export function statusJson(
  clusters: readonly ClusterStatus[],
  o: {
    url: string;
    now: Date;
    maxAgeSeconds: number | undefined;
    /** catalog entries that could not be read */
    unreadable: readonly { key: string; reason: string }[];
  },
): string {
  return `${JSON.stringify(
    {
      target: o.url,
      at: o.now.toISOString(),
      maxAgeSeconds: o.maxAgeSeconds ?? null,
      ok: clusters.length > 0 && clusters.every((c) => c.problem === undefined),
      clusters,
      unreadable: o.unreadable,
    },
    null,
    2,
  )}\n`;
}

/** A label value as the exposition format wants it: `\` → `\\`, `"` → `\"`, newline → `\n`. */
export function escapeLabelValue(v: string): string {
  return v.replace(/\\/g, '\\\\').replace(/"/g, '\\"').replace(/\n/g, '\\n');
}

/** HELP text escapes only `\` and newline. */
const escapeHelp = (v: string): string => v.replace(/\\/g, '\\\\').replace(/\n/g, '\\n');

/** A sample value: Go's float syntax (`+Inf`, `-Inf`, `NaN`; plain decimals otherwise). */
export function formatValue(n: number): string {
  if (Number.isNaN(n)) return 'NaN';
  if (n === Number.POSITIVE_INFINITY) return '+Inf';
  if (n === Number.NEGATIVE_INFINITY) return '-Inf';
  return String(n);
}

interface Family {
  readonly name: string;
  readonly help: string;
  /** undefined: no sample for this cluster */
  readonly value: (c: ClusterStatus) => number | undefined;
}

const seconds = (iso: string | undefined): number => (iso === undefined ? 0 : Date.parse(iso) / 1000);
const flag = (b: boolean): number => (b ? 1 : 0);

/** Every family `backup status --format prometheus` writes (docs/backups.md explains each one). */
export const FAMILIES: readonly Family[] = [
  {
    name: 'talos_dr_backup_newest_verified_timestamp_seconds',
    help: 'Unix time the newest verified backup was taken (0: no verified backup).',
    value: (c) => seconds(c.newestVerified?.takenAt),
  },
  {
    name: 'talos_dr_backup_newest_verified_age_seconds',
    help: 'Age of the newest verified backup when the status was written (+Inf: none); alert on time() - talos_dr_backup_newest_verified_timestamp_seconds.',
    value: (c) => c.newestVerified?.ageSeconds ?? Number.POSITIVE_INFINITY,
  },
  {
    name: 'talos_dr_backup_newest_verified_size_bytes',
    help: 'Size of the newest verified backup as stored (compressed, maybe encrypted).',
    value: (c) => c.newestVerified?.objectBytes,
  },
  {
    name: 'talos_dr_backup_newest_verified_snapshot_size_bytes',
    help: 'Size of the etcd snapshot inside the newest verified backup.',
    value: (c) => c.newestVerified?.snapshotBytes,
  },
  {
    name: 'talos_dr_backup_last_run_success',
    help: 'Whether the newest backup run stored its backup (1) or failed (0).',
    value: (c) => (c.newestRun === undefined ? undefined : flag(c.newestRun.result === 'ok')),
  },
  {
    name: 'talos_dr_backup_last_run_timestamp_seconds',
    help: 'Unix time of the newest backup run (0: none).',
    value: (c) => seconds(c.newestRun?.takenAt),
  },
  {
    name: 'talos_dr_backup_last_verify_success',
    help: 'Whether the newest verify of any backup passed (1) or found it bad (0).',
    value: (c) => (c.lastVerify === undefined ? undefined : flag(c.lastVerify.ok)),
  },
  {
    name: 'talos_dr_backup_last_verify_timestamp_seconds',
    help: 'Unix time of the newest verify of any backup (0: never verified).',
    value: (c) => seconds(c.lastVerify?.at),
  },
];

/** The Prometheus text exposition of the clusters' status: gauges labelled cluster and cluster_name. */
export function statusPrometheus(clusters: readonly ClusterStatus[]): string {
  const out: string[] = [];
  for (const f of FAMILIES) {
    const samples = clusters.flatMap((c) => {
      const v = f.value(c);
      const labels = `cluster="${escapeLabelValue(c.cluster.id)}",cluster_name="${escapeLabelValue(c.cluster.name)}"`;
      return v === undefined ? [] : [`${f.name}{${labels}} ${formatValue(v)}`];
    });
    if (samples.length === 0) continue;
    out.push(`# HELP ${f.name} ${escapeHelp(f.help)}`, `# TYPE ${f.name} gauge`, ...samples);
  }
  return out.length === 0 ? '' : `${out.join('\n')}\n`;
}
