import type { ObservationName } from '../catalog.js';
import type { ClusterReads, ReadRequest } from '../reader.js';
import { CheckArgError, type CheckArgs, type Json } from '../verdict.js';

/**
 * An observation (a runbook `read` step): which reads it needs and a pure derivation of typed
 * outputs that later steps reference. It never invents a value: when the reads do not determine
 * an output, derive says why instead.
 */
export type Derived = { ok: true; outputs: Record<string, Json>; summary: string } | { ok: false; reason: string };

export interface ObservationImpl {
  name: ObservationName;
  reads(args: CheckArgs): ReadRequest[];
  /** pure; never throws */
  derive(reads: ClusterReads, args: CheckArgs): Derived;
}

/** Wraps derive so a bad argument or an odd input becomes `{ ok: false }`, never an exception. */
export function defineObservation(impl: ObservationImpl): ObservationImpl {
  return {
    ...impl,
    derive(reads, args) {
      try {
        return impl.derive(reads, args);
      } catch (e) {
        const why = e instanceof Error ? e.message : String(e);
        return {
          ok: false,
          reason: e instanceof CheckArgError ? `${impl.name}: ${why}` : `${impl.name} failed: ${why}`,
        };
      }
    },
  };
}
