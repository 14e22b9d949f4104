import type { Member, MemberStatus } from '../../talos/observations.js';
import { readsOf } from '../reader.js';
import { listText, nodesArg, numberArg } from '../verdict.js';
import { type Answers, answers, failedText, ownStatusRow, unionMembers } from '../view.js';
import { defineObservation } from './observation.js';

/**
 * Risks that field incidents trace back to, looked at before a change (field-notes.md): an even
 * voter count (2 members: losing either stops etcd), clocks apart between nodes (`talosctl time`;
 * siderolabs/talos#6493, #7080), a TLS certificate problem (a wrong talosconfig or missing SANs:
 * never evidence about etcd, never retried as "unreachable"), and the etcd versions each member
 * runs (PROTOCOL/STORAGE, talosctl ≥ 1.11), with a mix flagged. It reports; it never stops a run.
 */

export const DEFAULT_MAX_SKEW_MS = 500;

export const preflight = defineObservation({
  name: 'preflight',
  reads: (args) => readsOf(['members', 'status', 'time'], nodesArg(args)),
  derive(reads, args) {
    const nodes = nodesArg(args);
    const maxSkew = numberArg(args, 'maxSkewMs', DEFAULT_MAX_SKEW_MS);
    const lists = answers(reads.members, nodes);
    const rows = answers(reads.status, nodes);
    const times = answers(reads.time, nodes);
    const found = [
      voterFinding(lists),
      skewFinding(times, maxSkew),
      certificateFinding([lists, rows, times]),
      versionFinding(rows),
    ];
    const warnings = found.filter((f) => f.warn).length;
    const gaps = [lists, rows, times].some((a) => a.failed.length > 0);
    const report = found
      .filter((f) => f.text !== '')
      .map((f) => `${f.warn ? 'WARNING: ' : ''}${f.text}`)
      .join(' ');
    return {
      ok: true,
      outputs: { warnings, clean: warnings === 0 && !gaps, report },
      summary: warnings === 0 ? `no risk found. ${report}` : `${warnings} risk(s) found. ${report}`,
    };
  },
});

/** One risk the preflight looked at (also shown by triage): `warn` when it found one. */
export interface PreflightFinding {
  warn: boolean;
  text: string;
}

export function voterFinding(lists: Answers<Member[]>): PreflightFinding {
  if (lists.answered.length === 0) return { warn: false, text: `Voter count not known: ${failedText(lists.failed)}.` };
  const voters = unionMembers(lists.answered).filter((m) => !m.learner).length;
  const quorum = Math.floor(voters / 2) + 1;
  if (voters % 2 === 0)
    return {
      warn: true,
      text: `${voters} voting members, an even count: quorum is ${quorum}, so losing ${voters - quorum + 1} stops etcd — no more failures tolerated than with ${voters - 1}${voters === 2 ? ' (losing either member loses quorum)' : ''}; run an odd number of control plane nodes.`,
    };
  return { warn: false, text: `${voters} voting member(s), quorum ${quorum}.` };
}

export function skewFinding(times: Answers<{ node: string; offsetMs: number }[]>, maxSkew: number): PreflightFinding {
  const offsets = times.answered.flatMap((a) => {
    const own = a.value.find((t) => t.node === a.node) ?? (a.value.length === 1 ? a.value[0] : undefined);
    return own === undefined ? [] : [{ node: a.node, offset: own.offsetMs }];
  });
  const unread = times.failed.length > 0 ? ` Clock not read: ${failedText(times.failed)}.` : '';
  if (offsets.length < 2)
    return { warn: false, text: `Clock skew not measured (fewer than two clocks read).${unread}` };
  const sorted = [...offsets].sort((x, y) => x.offset - y.offset);
  const [slow, fast] = [sorted[0], sorted.at(-1)] as [(typeof sorted)[0], (typeof sorted)[0]];
  const skew = fast.offset - slow.offset;
  const ms = `${Math.round(skew)} ms`;
  if (skew > maxSkew)
    return {
      warn: true,
      text: `Clock skew ${ms} between ${fast.node} (ahead) and ${slow.node} (over ${maxSkew} ms): etcd leases and raft timing suffer; check time sync (talosctl get timestatus).${unread}`,
    };
  return { warn: false, text: `Clock skew ${ms} across ${offsets.length} nodes.${unread}` };
}

export function certificateFinding(reads: readonly Answers<unknown>[]): PreflightFinding {
  const bad = [...new Set(reads.flatMap((a) => a.failed.filter((f) => f.cause === 'certificate').map((f) => f.node)))];
  if (bad.length === 0) return { warn: false, text: '' };
  return {
    warn: true,
    text: `TLS certificate problem talking to ${listText(bad)}: fix the talosconfig (CA, client certificate), the endpoint, or the node certificate SANs; this says nothing about etcd.`,
  };
}

export function versionFinding(rows: Answers<MemberStatus[]>): PreflightFinding {
  const own = rows.answered.flatMap((a) => {
    const r = ownStatusRow(a.value, a.node);
    return r === undefined ? [] : [{ node: a.node, protocol: r.protocol, storage: r.storage }];
  });
  if (own.length === 0) return { warn: false, text: 'etcd versions not read.' };
  if (own.every((r) => r.protocol === undefined))
    return { warn: false, text: 'etcd versions not printed (talosctl before 1.11 has no PROTOCOL/STORAGE columns).' };
  const byVersion = new Map<string, string[]>();
  for (const r of own) {
    const v = `${r.protocol ?? '?'} (storage ${r.storage ?? '?'})`;
    byVersion.set(v, [...(byVersion.get(v) ?? []), r.node]);
  }
  if (byVersion.size === 1) return { warn: false, text: `etcd ${[...byVersion.keys()][0]} on every member read.` };
  return {
    warn: true,
    text: `Mixed etcd versions: ${[...byVersion].map(([v, ns]) => `${v} on ${listText(ns)}`).join('; ')} — finish or roll back the upgrade before recovery steps.`,
  };
}
