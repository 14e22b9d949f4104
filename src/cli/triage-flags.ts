import { parseParams } from '../engine/params.js';
import { makeError } from '../io/errors.js';
import type { ParamSpec } from '../runbook/model.js';
import { parseDuration } from '../runbook/params.js';
import { createTalosctl, resolveTalosctlBinary, type Talosctl } from '../talos/talosctl.js';
import { DEFAULT_MAX_LAG, DEFAULT_QUOTA_BYTES, type TriageOptions } from '../triage/model.js';
import { DEFAULT_READ_TIMEOUT, DEFAULT_WINDOW, type ReadFlags } from './read-flag-defaults.js';

/**
 * The flags triage and watch share, checked before the cluster is asked anything: each bad value
 * is a usage error naming its flag (exit 2).
 */

const spec = (type: ParamSpec['type'], description: string, min?: number): ParamSpec => ({
  type,
  description,
  default: undefined,
  values: undefined,
  min,
  max: undefined,
});

/** triage's own params: the nodes, and the member count when no node can list the members. */
const PARAMS: Readonly<Record<string, ParamSpec>> = {
  nodes: spec('nodes', 'control plane node addresses', 1),
  members: spec('number', 'members of the cluster when whole', 1),
};

const bad = (flag: string, value: string, reason: string) => makeError('TDR_BAD_PARAM', { flag, value, reason });

/** A duration flag within [min, max] ms. */
export function durationFlag(flag: string, text: string, minMs: number, maxMs: number, range: string): number {
  const ms = parseDuration(text);
  if (ms === undefined || ms < minMs || ms > maxMs) throw bad(flag, text, `a duration from ${range}, e.g. 3s`);
  return ms;
}

const UNITS: Readonly<Record<string, number>> = {
  B: 1,
  kB: 1e3,
  KB: 1e3,
  KiB: 1024,
  MB: 1e6,
  MiB: 1024 ** 2,
  GB: 1e9,
  GiB: 1024 ** 3,
  TB: 1e12,
  TiB: 1024 ** 4,
};

/** --quota: bytes, plain or with a unit (32MiB, 2GiB, 8GB). */
export function parseQuota(text: string): number {
  const m = /^(\d+(?:\.\d+)?)\s*([A-Za-z]+)?$/.exec(text.trim());
  const unit = m?.[2] === undefined ? 1 : UNITS[m[2]];
  const bytes = m?.[1] === undefined || unit === undefined ? Number.NaN : Math.round(Number(m[1]) * unit);
  if (!Number.isFinite(bytes) || bytes < 1024 * 1024)
    throw bad('--quota', text, 'a size of at least 1MiB: bytes, or with a unit (32MiB, 2GiB, 8GB)');
  return bytes;
}

export function parseMaxLag(text: string): number {
  if (!/^\d+$/.test(text.trim())) throw bad('--max-lag', text, 'a whole number of raft entries, e.g. 100');
  return Number(text.trim());
}

/** The params as triage reads them; nodes may come from a recording instead. */
export function parseTriageParams(texts: readonly string[]): { nodes?: string[]; members?: number } {
  const names = texts.map((t) => t.slice(0, Math.max(0, t.indexOf('='))));
  const unknown = texts.find((_, i) => !Object.hasOwn(PARAMS, names[i] ?? ''));
  if (unknown !== undefined)
    throw bad('--param', unknown, `triage takes nodes=<address,…> and members=<n> (${Object.keys(PARAMS).join(', ')})`);
  // only the params given are parsed (each by its type, the flag named on a bad value)
  const p = parseParams(Object.fromEntries(Object.entries(PARAMS).filter(([k]) => names.includes(k))), texts);
  return {
    ...(p.nodes === undefined ? {} : { nodes: [...(p.nodes as string[])] }),
    ...(p.members === undefined ? {} : { members: p.members as number }),
  };
}

export interface ParsedReadFlags {
  options: Omit<TriageOptions, 'nodes'> & { nodes: string[] | undefined };
  windowMs: number;
  readTimeoutMs: number;
  /** the flags a recommended `talos-dr run` needs to reach the cluster the same way */
  connection: string[];
  endpoints: string[];
}

export function parseReadFlags(f: ReadFlags): ParsedReadFlags {
  const params = parseTriageParams(f.param);
  const endpoints = (f.endpoints ?? '')
    .split(',')
    .map((e) => e.trim())
    .filter(Boolean);
  const connection = [
    ...(f.talosctl === undefined ? [] : ['--talosctl', f.talosctl]),
    ...(f.talosconfig === undefined ? [] : ['--talosconfig', f.talosconfig]),
    ...(f.context === undefined ? [] : ['--context', f.context]),
    ...(endpoints.length === 0 ? [] : ['--endpoints', endpoints.join(',')]),
  ];
  return {
    options: {
      nodes: params.nodes,
      ...(params.members === undefined ? {} : { members: params.members }),
      quotaBytes: f.quota === undefined ? DEFAULT_QUOTA_BYTES : parseQuota(f.quota),
      maxLag: f.maxLag === undefined ? DEFAULT_MAX_LAG : parseMaxLag(f.maxLag),
    },
    windowMs: durationFlag('--window', f.window ?? DEFAULT_WINDOW, 500, 300_000, '500ms to 5m'),
    readTimeoutMs: durationFlag('--read-timeout', f.readTimeout ?? DEFAULT_READ_TIMEOUT, 500, 600_000, '500ms to 10m'),
    connection,
    endpoints,
  };
}

/** The adapter triage and watch read through, reaching the cluster as `run` does. */
export function talosctlFor(f: ReadFlags, endpoints: string[], env: NodeJS.ProcessEnv): Talosctl {
  return createTalosctl({
    binary: resolveTalosctlBinary(f.talosctl, env),
    ...(f.talosconfig === undefined ? {} : { talosconfig: f.talosconfig }),
    ...(f.context === undefined ? {} : { context: f.context }),
    endpoints,
  });
}
