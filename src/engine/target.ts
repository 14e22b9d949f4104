import { existsSync, readFileSync } from 'node:fs';
import { homedir } from 'node:os';
import { join, resolve } from 'node:path';
import { parse } from 'yaml';
import type { Runbook } from '../runbook/model.js';
import type { Value } from '../runbook/params.js';
import type { ClusterIdentity } from './cluster-identity.js';

/**
 * How a run reaches its cluster, made explicit so the log records it and resume reaches the same
 * cluster: the talosconfig path (--talosconfig, else $TALOSCONFIG, else ~/.talos/config, made
 * absolute) and the context (--context, else the file's current context, read from its `context:`
 * key and nothing else). Resume passes both to talosctl explicitly, whatever TALOSCONFIG says then.
 */
export interface ResolvedTarget {
  talosconfig: string;
  /** the context used; null when the file names none (or cannot be read) */
  context: string | null;
  /** whether the file exists (talosctl is given --talosconfig only then) */
  configExists: boolean;
}

export function resolveTalosTarget(
  t: { talosconfig: string | undefined; context: string | undefined },
  env: NodeJS.ProcessEnv,
  cwd: string,
): ResolvedTarget {
  const talosconfig = resolve(cwd, t.talosconfig ?? (env.TALOSCONFIG || join(homedir(), '.talos', 'config')));
  const configExists = existsSync(talosconfig);
  return { talosconfig, context: t.context ?? (configExists ? currentContext(talosconfig) : null), configExists };
}

function currentContext(path: string): string | null {
  try {
    const doc = parse(readFileSync(path, 'utf8')) as { context?: unknown } | null;
    return typeof doc?.context === 'string' && doc.context !== '' ? doc.context : null;
  } catch {
    return null;
  }
}

/** The values of the runbook's node-typed params: the nodes asked which cluster they belong to. */
export function nodesOfParams(runbook: Runbook, params: Record<string, Value>): string[] {
  const out: string[] = [];
  for (const [name, spec] of Object.entries(runbook.params)) {
    if (spec.type !== 'node' && spec.type !== 'nodes') continue;
    const v = params[name];
    if (typeof v === 'string' && v !== '') out.push(v);
    else if (Array.isArray(v)) out.push(...v.filter((x): x is string => typeof x === 'string' && x !== ''));
  }
  return [...new Set(out)];
}

/**
 * Whether the cluster answering now is the one the log was run against: the same Talos cluster
 * id; for member ids (which drift as members are removed), at least one member in common; for
 * addresses, the same set. Undefined when it is; else why not.
 */
export function identityMismatch(
  recorded: Pick<ClusterIdentity, 'source' | 'value'>,
  now: Pick<ClusterIdentity, 'source' | 'value'>,
): string | undefined {
  if (recorded.source === now.source) {
    if (recorded.value === now.value) return undefined;
    if (recorded.source === 'etcd-member-ids') {
      const was = new Set(recorded.value.split(','));
      if (now.value.split(',').some((id) => was.has(id))) return undefined;
    }
    return `the log was run against ${recorded.source} ${recorded.value}; the nodes now answer ${now.value}`;
  }
  return `the log was run against ${recorded.source} ${recorded.value}; now only ${now.source} ${now.value} can be read, which cannot confirm it is the same cluster`;
}
