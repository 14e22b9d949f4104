/**
 * The Talos versions the lab shim can answer as (`lab up --talos-version`), and what differs
 * between them for etcd recovery (talosctl-reference.md, field-notes.md):
 * - ≤ 1.13: apid aggregates a multi-node call: per-node failures come back as a hashicorp
 *   multierror, printed `WARNING: …` with exit 0 while any node answered, else `<verb>: …` exit 1;
 *   1.14: one call per node, `error from node <n>: …`, exit 1 on any failure;
 * - the PROTOCOL and STORAGE columns of `etcd status` from 1.11;
 * - the ETCD volume: none before 1.12 (`get volumestatus ETCD` is NotFound), a directory under
 *   EPHEMERAL on 1.12–1.13, and on 1.14 optionally a dedicated partition that an EPHEMERAL-only
 *   reset leaves in place;
 * - the single-node refusal's wording.
 * The etcd underneath is always Debian's (3.4): what the versions change is talosctl's side.
 */

export const LAB_TALOS_VERSIONS = ['1.8', '1.10', '1.11', '1.13', '1.14'] as const;
export type LabTalosVersion = (typeof LAB_TALOS_VERSIONS)[number];
export const DEFAULT_LAB_TALOS_VERSION: LabTalosVersion = '1.14';

export type EtcdVolumeLayout = 'none' | 'directory' | 'partition';

export interface TalosProfile {
  readonly version: LabTalosVersion;
  /** what `talosctl version --client` prints */
  readonly tag: string;
  readonly semantics: 'aggregated' | 'per-node';
  readonly statusVersionColumns: boolean;
  readonly etcdVolume: EtcdVolumeLayout;
}

const TAGS: Record<LabTalosVersion, string> = {
  '1.8': 'v1.8.4',
  '1.10': 'v1.10.7',
  '1.11': 'v1.11.5',
  '1.13': 'v1.13.9',
  '1.14': 'v1.14.0',
};

export function isLabTalosVersion(v: string): v is LabTalosVersion {
  return (LAB_TALOS_VERSIONS as readonly string[]).includes(v);
}

const minor = (v: LabTalosVersion): number => Number(v.split('.')[1]);

/** The profile of a lab; `dedicatedEtcd` only exists on 1.14 (refused elsewhere by `lab up`). */
export function talosProfile(version: LabTalosVersion, dedicatedEtcd = false): TalosProfile {
  const m = minor(version);
  return {
    version,
    tag: TAGS[version],
    semantics: m >= 14 ? 'per-node' : 'aggregated',
    statusVersionColumns: m >= 11,
    etcdVolume: dedicatedEtcd ? 'partition' : m >= 12 ? 'directory' : 'none',
  };
}

/** The single-node refusal (main: BuildClientEnforceSingleNode; ≤ 1.13: FailIfMultiNodes). */
export function singleNodeError(p: TalosProfile, command: string, count: number): string {
  return p.semantics === 'per-node'
    ? `command "${command}" requires exactly one node (got ${count})`
    : `command "${command}" is not supported with multiple nodes`;
}

/**
 * How a multi-node call reports its per-node failures: `lines` for stderr and the exit code.
 * ≤ 1.13 (hashicorp multierror through client.FilterMessages): `N error(s) occurred:` then
 * `\t* <node>: <error>` lines; prefixed `WARNING: ` with exit 0 when some node answered,
 * else with the command's verb and exit 1.
 */
export function reportNodeErrors(
  p: TalosProfile,
  verb: string,
  errors: readonly { node: string; message: string }[],
  answered: number,
): { text: string; code: number } {
  if (errors.length === 0) return { text: '', code: 0 };
  if (p.semantics === 'per-node')
    return { text: `${errors.map((e) => `error from node ${e.node}: ${e.message}`).join('\n')}\n`, code: 1 };
  const head = `${errors.length} ${errors.length === 1 ? 'error' : 'errors'} occurred:`;
  const body = `${errors.map((e) => `\t* ${e.node}: ${e.message}`).join('\n')}\n\n`;
  return answered > 0 ? { text: `WARNING: ${head}\n${body}`, code: 0 } : { text: `${verb}: ${head}\n${body}`, code: 1 };
}
