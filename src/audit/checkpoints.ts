import type { AnyRecord, PayloadByType, RecordType } from './log-format.js';

/**
 * Which records of a signed run are checkpoints that must carry a signature: the run-start (it
 * names the key), every resume record (it opens a segment, so every segment is signed from its
 * first record), every approval and voided approval, every result of an irreversible command,
 * and every run-end (the last one seals the whole log). One policy, shared by the writer
 * (Journal) and the verifier, so they cannot disagree.
 */
export interface CheckpointPolicy {
  /**
   * feed every record in order; returns whether this one must be signed. The payload may be given
   * as a function that reads it: only command intents and results are read, and a result only while
   * an irreversible intent is pending, and deviations (the verifier does not decode the other payloads).
   */
  requires<T extends RecordType>(type: T, payload: PayloadByType[T] | (() => PayloadByType[T])): boolean;
}

function read<P>(payload: P | (() => P)): P {
  return typeof payload === 'function' ? (payload as () => P)() : payload;
}

export function makeCheckpointPolicy(): CheckpointPolicy {
  const pending = new Map<string, number>();
  const key = (step: string, argv: readonly string[], node: string | null) => JSON.stringify([step, argv, node]);
  return {
    requires(type, payload) {
      switch (type) {
        case 'run-start':
        case 'approval':
        case 'approval-voided':
        case 'run-end':
          return true;
        case 'deviation':
          return (read(payload) as PayloadByType['deviation']).kind === 'resume';
        case 'command-intent': {
          const p = read(payload) as PayloadByType['command-intent'];
          if (p.effect === 'irreversible') {
            const k = key(p.step, p.argv, p.node);
            pending.set(k, (pending.get(k) ?? 0) + 1);
          }
          return false;
        }
        case 'command-result': {
          if (pending.size === 0) return false;
          const p = read(payload) as PayloadByType['command-result'];
          const k = key(p.step, p.argv, p.node);
          const n = pending.get(k) ?? 0;
          if (n === 0) return false;
          if (n === 1) pending.delete(k);
          else pending.set(k, n - 1);
          return true;
        }
        default:
          return false;
      }
    },
  };
}

/** Replays the policy over existing records (resume, verify): the policy state after them. */
export function policyAfter(records: readonly AnyRecord[]): CheckpointPolicy {
  const policy = makeCheckpointPolicy();
  for (const r of records) policy.requires(r.type, r.payload);
  return policy;
}
