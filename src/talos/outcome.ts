import { CLASS_OF, isRetryable } from './parse/error-kinds.js';
import { classifyError, type NodeError, type TalosctlErrorInfo } from './parse/errors.js';
import type { CommandResult } from './talosctl.js';

/** What one talosctl call on one node came to, for both talosctl generations. */
export interface NodeOutcome {
  /** exit 0, no per-node error, not killed: stdout can be trusted as complete */
  ok: boolean;
  /** some data came back on stdout although there were errors: never treat it as complete */
  partial: boolean;
  /** why it is not ok; 'ok' when it is */
  reason: 'ok' | 'failed' | 'timeout' | 'canceled' | 'spawn-error';
  /** every classified error (empty when ok) */
  errors: NodeError[];
  /** the classification of stderr as a whole */
  error: TalosctlErrorInfo | undefined;
}

/** True when stdout holds more than a table header (v1.14 prints the header even if all nodes fail). */
export function hasData(stdout: string): boolean {
  return stdout
    .split('\n')
    .map((l) => l.trim())
    .some((l) => l !== '' && !/^[A-Z][A-Z ]*$/.test(l));
}

function synthetic(kind: NodeError['kind'], desc: string, node: string): NodeError {
  return {
    kind,
    class: CLASS_OF[kind],
    code: undefined,
    desc,
    node: node || undefined,
    retryable: isRetryable(kind),
    memberId: undefined,
    hint: undefined,
    causes: [],
  };
}

/**
 * A --wait command that failed without printing an error (talosctl suppresses it once its tracker
 * runs, and a deadline can cut the last update): its last progress says how far it got.
 */
function fromProgress(info: TalosctlErrorInfo, how: string, node: string): NodeError | undefined {
  const last = info.progress.at(-1);
  if (last === undefined) return undefined;
  const gone = info.progress.some((p) => p.message.startsWith('unavailable, retrying'));
  const e = synthetic(
    gone ? 'unreachable' : 'unknown',
    `talosctl ended with ${how} while waiting; last progress: ${info.progress.map((p) => `${p.node}: ${p.message}`).join('; ')}`,
    node,
  );
  // the action itself was accepted before the tracker lost the node: it may have run
  return { ...e, retryable: false, node: last.node };
}

/**
 * Turns a CommandResult into a per-node outcome. ≥1.14: a partial failure is exit 1 with
 * `error from node …` on stderr and good rows still on stdout. ≤1.13: `WARNING: N error(s)
 * occurred` on stderr with exit 0. Both come out as ok:false, partial:true.
 */
export function toNodeOutcome(result: CommandResult): NodeOutcome {
  const partial = hasData(result.stdout);
  if (result.spawnError !== undefined) {
    const e = synthetic('unknown', result.spawnError.message, result.node);
    return { ok: false, partial: false, reason: 'spawn-error', errors: [e], error: undefined };
  }
  if (result.timedOut || result.canceled) {
    const reason = result.timedOut ? 'timeout' : 'canceled';
    const e = synthetic(
      reason,
      result.notAsked !== undefined
        ? `not asked: ${result.notAsked}`
        : reason === 'timeout'
          ? `talosctl timed out after ${(result.durationMs / 1000).toFixed(1)}s`
          : 'talosctl was canceled',
      result.node,
    );
    return { ok: false, partial, reason, errors: [e], error: classifyError(result.stderr) };
  }
  const info = classifyError(result.stderr);
  if (result.exitCode === 0) {
    // exit 0 may still carry ≤1.13 per-node errors; other stderr text (progress, notes) is not an error
    const errors = info.warning ? info.errors : info.errors.filter((e) => e.code !== undefined);
    if (errors.length === 0) return { ok: true, partial: false, reason: 'ok', errors: [], error: undefined };
    return { ok: false, partial, reason: 'failed', errors, error: info };
  }
  const how = result.exitCode === null ? `signal ${result.signal ?? '?'}` : `exit code ${result.exitCode}`;
  const errors =
    info.errors.length > 0
      ? info.errors
      : [fromProgress(info, how, result.node) ?? synthetic('unknown', `talosctl ended with ${how}`, result.node)];
  return { ok: false, partial, reason: 'failed', errors, error: info };
}
