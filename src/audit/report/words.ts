import type { Json } from '../../checks/verdict.js';
import { duration } from '../timeline.js';
import type { ApprovalEntry, CommandEntry, Integrity, Outcome, Report } from './model.js';

/**
 * The sentences every renderer shares, so text, Markdown and HTML say the same thing in the same
 * words: integrity, signatures, outcome, command lines, folded output. Plain strings; each
 * renderer escapes them for its own format.
 */

export { duration };

/** `talosctl -n 172.20.0.2 etcd defrag`, with arguments quoted where a shell would need it. */
export function commandLine(argv: readonly string[], node: string | null): string {
  const q = (a: string) => (/^[\w@%+=:,./-]+$/.test(a) ? a : `'${a.replaceAll("'", "'\\''")}'`);
  const nodePart = node !== null && !argv.includes('-n') && !argv.includes('--nodes') ? ['-n', node] : [];
  return ['talosctl', ...nodePart, ...argv].map(q).join(' ');
}

export function chainText(i: Integrity): string {
  if (!i.chain.ok)
    return `TAMPERED: record ${i.chain.firstBadSeq} fails (${i.chain.reason}); records before it are intact`;
  const tail = i.complete ? '' : '; no run-end: the run was interrupted, or the log was cut';
  return `verified: ${i.records} records, hash chain intact (head ${i.chain.head.slice(0, 16)}…)${tail}`;
}

export function signatureText(i: Integrity): string {
  const s = i.signatures;
  if (!s.ok) return `FAILED at record ${s.firstBadSeq}: ${s.reason}`;
  if (!s.signed) return 'not signed (anyone able to write the file could have rewritten the whole chain)';
  const sealed = s.sealed ? 'sealed by a signed run-end' : `NOT sealed: nothing after record ${s.lastSigned} is signed`;
  return s.pinned
    ? `verified with the key you gave, ${s.fingerprint}: ${s.signatures} checkpoints, ${sealed}`
    : `consistent with the key embedded in the log (${s.fingerprint}): ${s.signatures} checkpoints, ${sealed}; not yet checked against a key you trust: run talos-dr log verify <file> --key <public key>`;
}

export function outcomeText(o: Outcome): string {
  if (o.outcome === null) return 'no run-end recorded: the run was interrupted, is still running, or the log was cut';
  const ttr =
    o.timeToRecoverMs === null ? '' : `; time to recover ${duration(o.timeToRecoverMs)} (run start to run end)`;
  return `${o.outcome} (exit ${o.exitCode})${ttr}`;
}

export function modeText(dryRun: boolean): string {
  return dryRun ? 'DRY RUN: no change was made to the cluster' : 'live run: changes were made to the cluster';
}

export function commandStatus(c: CommandEntry): string {
  switch (c.status) {
    case 'ok':
      return `exit 0 in ${duration(c.durationMs ?? 0)}`;
    case 'timed out':
      if (c.notAsked !== undefined) return `NOT ASKED: the node did not answer (${c.notAsked})`;
      return `TIMED OUT after ${duration(c.durationMs ?? 0)} (killed)`;
    case 'failed':
      return `FAILED: exit ${c.exitCode ?? 'none (killed)'} after ${duration(c.durationMs ?? 0)}`;
    case 'no result':
      return 'NO RESULT RECORDED (outcome unknown)';
  }
}

export function howText(how: 'tty' | 'flag'): string {
  return how === 'tty' ? 'typed at the terminal' : 'given by a command-line flag (no prompt shown)';
}

export function answerText(a: ApprovalEntry): string {
  if (!a.answer) return 'no answer recorded';
  const x = a.answer;
  const fp = x.fingerprint === a.fingerprint ? '' : ` (state ${x.fingerprint.slice(0, 16)}…, differs from the request)`;
  return `${x.approved ? 'APPROVED' : 'DECLINED'} by ${x.who}, ${howText(x.how)}, at ${x.when}${fp}`;
}

/** Output folded to its first and last lines. */
export function fold(text: string, head = 6, tail = 4): { lines: string[]; folded: number } {
  const all = text.replace(/\n$/, '').split('\n');
  if (text === '') return { lines: [], folded: 0 };
  if (all.length <= head + tail + 2) return { lines: all, folded: 0 };
  return {
    lines: [...all.slice(0, head), `… ${all.length - head - tail} lines folded …`, ...all.slice(-tail)],
    folded: all.length - head - tail,
  };
}

/** `node=172.20.0.2 nodes=a,b`: arguments and observations on one line. */
export function jsonInline(j: Record<string, Json>): string {
  return Object.entries(j)
    .map(([k, v]) => `${k}=${typeof v === 'string' ? v : JSON.stringify(v)}`)
    .join(' ');
}

export function titleOf(r: Report): string {
  return r.header ? `Run report: ${r.header.runbook}` : 'Run report (no run-start record)';
}

export const VERDICT_WORD = { pass: 'PASS', fail: 'FAIL', unknown: 'UNKNOWN' } as const;

/** A check's verdict as the report words it: a choice's branch (`answered no`), else PASS/FAIL/UNKNOWN. */
export function checkWord(c: { verdict: string; answer?: 'yes' | 'no' }): string {
  if (c.answer !== undefined) return `answered ${c.answer}`;
  return VERDICT_WORD[c.verdict as 'pass'] ?? c.verdict;
}

/** How a header row should be read at a glance (HTML colours it; text and Markdown do not). */
export type RowTone = 'ok' | 'warn' | 'bad' | undefined;

/** The report's header: who ran what, when, against which cluster, how it ended, whether it is intact. */
export function headerRows(r: Report): [label: string, value: string, tone: RowTone][] {
  const h = r.header;
  const rows: [string, string, RowTone][] = [];
  if (h) {
    rows.push(['Runbook', `${h.runbook} (sha256 ${h.runbookSha256})`, undefined]);
    rows.push(['Operator', `${h.operator} on host ${h.host}`, undefined]);
    rows.push(['Started', h.startedAt, undefined]);
    rows.push([
      'Cluster',
      h.nodes.length > 0 ? `control plane nodes ${h.nodes.join(', ')}` : 'no nodes parameter',
      undefined,
    ]);
    rows.push(['Parameters', h.params.map((p) => `${p.name}=${p.value}`).join('  '), undefined]);
    rows.push(['Tools', `talos-dr ${h.toolVersion}, talosctl ${h.talosctlVersion ?? 'version unknown'}`, undefined]);
    rows.push(['Mode', modeText(h.dryRun), h.dryRun ? 'warn' : undefined]);
  }
  rows.push(['Outcome', outcomeText(r.outcome), r.outcome.exitCode === 0 ? 'ok' : 'bad']);
  rows.push(['Chain', chainText(r.integrity), r.integrity.chain.ok ? 'ok' : 'bad']);
  const s = r.integrity.signatures;
  rows.push(['Signatures', signatureText(r.integrity), !s.ok ? 'bad' : s.signed && s.pinned ? 'ok' : 'warn']);
  for (const u of r.integrity.unreadableLines) rows.push(['Unreadable', `line ${u.line}: ${u.reason}`, 'bad']);
  return rows;
}
