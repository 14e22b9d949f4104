import type { AnyRecord } from './log-format.js';

/**
 * The plain-text timeline of `talos-dr log show`: one line per record (time, seq, type, what
 * happened), written for a person reading the log after the incident. Pure.
 */
export function summarizeRecord(r: AnyRecord): string {
  switch (r.type) {
    case 'run-start': {
      const p = r.payload;
      const params = Object.entries(p.params ?? {})
        .map(([k, v]) => `${k}=${typeof v === 'string' ? v : JSON.stringify(v)}`)
        .join(' ');
      return `run ${p.runbook} (sha256 ${String(p.runbookSha256).slice(0, 12)}) by ${p.operator} on ${p.host}${p.dryRun ? ' [dry run]' : ''}${params ? `, ${params}` : ''}; talos-dr ${p.toolVersion}, talosctl ${p.talosctlVersion ?? 'unknown'}`;
    }
    case 'step-start':
      return `step ${r.payload.step} (${r.payload.kind})${r.payload.title ? `: ${r.payload.title}` : ''}`;
    case 'command-intent':
      return `about to run ${command(r.payload.argv, r.payload.node)} [${r.payload.effect}]`;
    case 'command-result': {
      const p = r.payload;
      const end =
        p.notAsked !== undefined
          ? `not asked: the node did not answer (${p.notAsked})`
          : p.timedOut
            ? 'timed out'
            : `exit ${p.exitCode ?? '?'}`;
      const parse = p.parseError ? `; output not understood: ${p.parseError}` : '';
      return `${command(p.argv, p.node)} → ${end} in ${duration(p.durationMs)}${parse}`;
    }
    case 'check':
      return `check ${r.payload.name}: ${String(r.payload.verdict).toUpperCase()}, ${r.payload.summary}`;
    case 'observation':
      return `observed ${r.payload.name}: ${r.payload.ok ? '' : 'FAILED, '}${r.payload.summary}`;
    case 'approval-request':
      return `asked for approval: "${r.payload.prompt}" (type ${r.payload.token})`;
    case 'approval':
      return `${r.payload.approved ? 'approved' : 'declined'} by ${r.payload.who} via ${r.payload.how === 'tty' ? 'the terminal' : 'a command-line flag'} at ${r.payload.when} (state ${String(r.payload.fingerprint).slice(0, 12)})`;
    case 'approval-voided':
      return `approval for ${r.payload.step} voided: ${r.payload.reason}`;
    case 'deviation':
      return `deviation (${r.payload.kind})${r.payload.step ? ` at ${r.payload.step}` : ''}: ${r.payload.detail}`;
    case 'step-end':
      return `step ${r.payload.step} ${r.payload.outcome}`;
    case 'run-end':
      return `run ended: ${r.payload.outcome} (exit ${r.payload.exitCode})`;
  }
}

export function formatTimeline(records: readonly AnyRecord[]): string {
  return records
    .map((r) => `${r.time}  ${String(r.seq).padStart(4)}  ${r.type.padEnd(16)} ${summarizeRecord(r)}\n`)
    .join('');
}

function command(argv: readonly string[], node: string | null): string {
  return `talosctl ${argv.join(' ')}${node ? ` (node ${node})` : ''}`;
}

/** 850 ms, 1.2 s, 2 min 5 s */
export function duration(ms: number): string {
  if (ms < 1000) return `${Math.round(ms)} ms`;
  if (ms < 60_000) return `${(ms / 1000).toFixed(1)} s`;
  return `${Math.floor(ms / 60_000)} min ${Math.round((ms % 60_000) / 1000)} s`;
}
