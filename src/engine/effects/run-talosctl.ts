import { fromPromise } from 'xstate';
import type { NodeResult, RunTalosctlInput, RunTalosctlOutput } from '../../compile/contract.js';
import type { Value } from '../../runbook/params.js';
import { effectOf, isWeaker } from '../../talos/effects.js';
import { toNodeOutcome } from '../../talos/outcome.js';
import { parseSnapshot } from '../../talos/parse/index.js';
import type { CommandResult } from '../../talos/talosctl.js';
import { journalResult } from '../cluster-reader.js';
import type { EngineEnv } from '../env.js';
import { resolveUnknown } from './outcome-unknown.js';
import { resultFromRecord, secs } from './shared.js';

/**
 * runTalosctl: one call per node. A read's calls start together and every node is read; a
 * change runs node after node and stops at the first failure. A mutating or irreversible command is journaled as an
 * intent (fsynced) before it is spawned and as a result after; on replay the recorded result is
 * the output, and an intent without a result is "outcome unknown" (see outcome-unknown.ts). In a
 * dry run a non-read command is journaled as "would run" and never reaches the adapter (which is
 * read-only there anyway).
 */
export function runTalosctlActor(env: EngineEnv) {
  return fromPromise<RunTalosctlOutput, RunTalosctlInput>(
    env.track(async ({ input, signal }) => {
      const sig = signal;
      const declared = effectOf(input.argv).effect;
      const effect = isWeaker(input.effect, declared) ? declared : input.effect;
      const results: NodeResult[] = [];
      let first: CommandResult | undefined;
      // a read reads every node: their calls start together (the step takes the slowest call, not
      // the sum); the replay is consulted once per node, in node order, as the loop used to
      const read = effect === 'read';
      const groups = read ? input.nodes.map((node) => env.replay?.command(input.stepId, node)) : undefined;
      const early = new Map<string, Promise<CommandResult>>();
      input.nodes.forEach((node, i) => {
        if (groups === undefined || groups[i] !== undefined || input.nodes.length < 2) return;
        const p = env.talosctl.run(node, input.argv, { timeoutMs: input.timeoutMs, signal: sig });
        p.catch(() => undefined); // awaited in node order below; a rejection is not unhandled meanwhile
        early.set(node, p);
      });
      for (const [i, node] of input.nodes.entries()) {
        const group = groups !== undefined ? groups[i] : env.replay?.command(input.stepId, node);
        let r: CommandResult | undefined;
        let replayed = false;
        if (group?.result !== undefined) {
          r = resultFromRecord(group.result);
          replayed = true;
        } else if (group?.intent !== undefined) {
          // the unknown outcome is the frontier: its re-observation runs live, so the step's
          // timeout must be a real timer (on virtual time it fired before the reads answered)
          env.replay?.goLive();
          const decided = await resolveUnknown(env, input, node, effect, sig);
          if (decided.kind !== 'run') {
            const ok = decided.kind === 'done';
            results.push({ node, ok, exitCode: undefined, summary: decided.summary });
            env.progress.result(ok, `${node}: ${decided.summary}`);
            if (ok) continue;
            break; // never go on to the next node after a failure
          }
        }
        if (r === undefined) {
          if (env.dryRun && effect !== 'read') {
            env.journal.append('deviation', {
              step: input.stepId,
              kind: 'skip',
              detail: `dry run: would run talosctl -n ${node} ${input.argv.join(' ')} [${effect}]`,
            });
            env.assumed.add(input.stepId);
            results.push({ node, ok: true, exitCode: undefined, summary: 'would run (dry run)' });
            env.progress.result(true, `${node}: would run talosctl ${input.argv.join(' ')} (dry run, not run)`);
            continue;
          }
          if (effect !== 'read') {
            env.journal.append('command-intent', { step: input.stepId, argv: input.argv, node, effect });
          }
          r = await (early.get(node) ??
            env.talosctl.run(node, input.argv, { timeoutMs: input.timeoutMs, signal: sig }));
          const parsed = input.capture !== undefined && r.exitCode === 0 ? parseSnapshot(r.stdout, 0) : undefined;
          journalResult(
            env.journal,
            input.stepId,
            input.argv,
            r,
            parsed === undefined
              ? undefined
              : parsed.ok
                ? { value: JSON.parse(JSON.stringify(parsed.value)) }
                : { error: parsed.error.message },
          );
        }
        first ??= r;
        const o = toNodeOutcome(r);
        // a call cut short by the step's own timeout (the machine stops the effect) is not "canceled"
        const stepTimeout = r.canceled && !env.halt.interrupted && !env.signal.aborted;
        const summary = o.ok
          ? 'ok'
          : stepTimeout
            ? `timed out: the step's ${secs(input.timeoutMs)} timeout was reached, talosctl was stopped`
            : `${o.reason === 'failed' ? `exit ${r.exitCode ?? '?'}` : o.reason}: ${o.errors.map((e) => e.desc).join('; ')}`;
        results.push({ node, ok: o.ok, exitCode: r.exitCode ?? undefined, summary });
        if (!replayed) env.progress.result(o.ok, `${node}: ${summary} (${secs(r.durationMs)})`);
        if (!o.ok && !read) break; // a change never goes on to the next node after a failure
      }
      const ok = results.length === input.nodes.length && results.every((x) => x.ok);
      let captured: Record<string, Value> | undefined;
      if (ok && input.capture !== undefined && first !== undefined) {
        const p = parseSnapshot(first.stdout, first.exitCode ?? 1);
        if (p.ok) {
          const all = p.value as unknown as Record<string, unknown>;
          captured = {};
          for (const f of Object.keys(input.capture.fields)) {
            const v = all[f];
            if (typeof v === 'string' || typeof v === 'number' || typeof v === 'boolean') captured[f] = v;
          }
        }
      }
      return { ok, results, captured };
    }),
  );
}
