import { fromPromise } from 'xstate';
import type { NodeResult, RunTalosctlInput, RunTalosctlOutput } from '../../compile/contract.js';
import type { Value } from '../../runbook/params.js';
import { type CommandClass, classify, isWeaker, needsQuorum, parseOutputs } from '../../talos/commands.js';
import { toNodeOutcome } from '../../talos/outcome.js';
import type { NodeError } from '../../talos/parse/errors.js';
import { type CommandResult, commandResult } from '../../talos/talosctl.js';
import { journalResult } from '../cluster-reader.js';
import type { EngineEnv } from '../env.js';
import { note } from '../events.js';
import { discard, linkIntoPlace, targetTaken, temporaryBeside } from '../local-file.js';
import { resultFromRecord, secs } from './shared.js';

/**
 * The argv as resolved at run time, classified again by the registry. It runs only if it needs
 * no more than the compiled step put before it: a ref whose value turned a read into a change,
 * or a change into one that needs a gate or a quorum check, is refused before any call.
 */
function admit(input: RunTalosctlInput): { ok: true; cls: CommandClass } | { ok: false; reason: string } {
  const c = classify(input.argv);
  if (!c.ok) return { ok: false, reason: `refused: ${c.refusal.reason}` };
  const cls = c.value;
  if (isWeaker(input.effect, cls.effect))
    return {
      ok: false,
      reason: `refused: the argv as resolved is ${cls.effect} (${cls.reason}); the step was compiled as ${input.effect}`,
    };
  if (cls.gate && !input.gate)
    return {
      ok: false,
      reason: `refused: the argv as resolved needs a typed approval (${cls.reason}); the step was compiled without one`,
    };
  if (needsQuorum(cls) && !input.quorum)
    return {
      ok: false,
      reason: `refused: the argv as resolved needs a quorum check (${cls.reason}); the step was compiled without one`,
    };
  return { ok: true, cls };
}

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
      const admitted = admit(input);
      if (!admitted.ok) {
        note(env, 'deviation', { step: input.stepId, kind: 'refused', detail: admitted.reason }, (record) => ({
          code: 'TDR_E_COMMAND_REFUSED',
          data: { record },
        }));
        return {
          ok: false,
          results: [{ node: input.nodes[0] ?? '', ok: false, exitCode: undefined, summary: admitted.reason }],
          captured: undefined,
        };
      }
      const cls = admitted.cls;
      const effect = input.effect;
      const results: NodeResult[] = [];
      let first: CommandResult | undefined;
      let noRetry: string | undefined;
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
          const detail = `talosctl -n ${node} ${group.intent.payload.argv.join(' ')} was started but no result was recorded (or it was cut short)`;
          // the machine settles an unknown outcome (its :reobserve and :reapprove states). At the
          // frontier they run live, so the replay goes live here; one a later resume already
          // settled is replayed as that resume recorded it (going live there re-ran the step and
          // everything after it on approvals meant for their first attempt: crash property)
          if (group.settledLater !== true) {
            env.replay?.goLive();
            note(env, 'deviation', { step: input.stepId, kind: 'outcome-unknown', detail }, (record) => ({
              code: 'TDR_W_OUTCOME_UNKNOWN',
              data: { node, record },
            }));
          }
          results.push({ node, ok: false, exitCode: undefined, summary: 'outcome unknown' });
          return { ok: false, results, captured: undefined, unknown: detail };
        }
        if (r === undefined) {
          if (env.dryRun && effect !== 'read') {
            const local = cls.localFile === undefined ? '' : `; ${input.argv[cls.localFile]} is not written`;
            note(
              env,
              'deviation',
              {
                step: input.stepId,
                kind: 'skip',
                detail: `dry run: would run talosctl -n ${node} ${input.argv.join(' ')} [${effect}]${local}`,
              },
              (record) => ({ code: 'TDR_I_WOULD_RUN', data: { node, argv: input.argv, local, record } }),
            );
            env.assumed.add(input.stepId);
            results.push({ node, ok: true, exitCode: undefined, summary: 'would run (dry run)' });
            continue;
          }
          const local = cls.localFile === undefined ? undefined : prepareLocal(input.argv, cls.localFile);
          if (local !== undefined && !local.ok) {
            // nothing ran, so no command-result says why: the log must name the file itself
            note(env, 'step-end', { step: input.stepId, outcome: `${node}: ${local.reason}` }, (record) => ({
              code: 'TDR_E_NOT_RUN',
              data: { node, reason: local.reason, record },
            }));
            results.push({ node, ok: false, exitCode: undefined, summary: local.reason });
            break;
          }
          const argv = local?.argv ?? input.argv;
          // a local write changes nothing on the cluster and never replaces a file: after a crash
          // it runs again (its target still absent), so it needs no intent
          if (effect !== 'read' && effect !== 'local-write') {
            note(env, 'command-intent', { step: input.stepId, argv, node, effect }, (record) => ({
              code: 'TDR_I_COMMAND_INTENT',
              data: { record },
            }));
          }
          r = await (early.get(node) ?? env.talosctl.run(node, argv, { timeoutMs: input.timeoutMs, signal: sig }));
          if (local !== undefined) r = finishLocal(r, local);
          const parsed = input.capture !== undefined && r.exitCode === 0 ? parseOutputs(cls, r.stdout, 0) : undefined;
          journalResult(
            env,
            input.stepId,
            argv,
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
            : o.reason === 'timeout'
              ? `did not answer (${o.errors.map(describeError).join('; ')})`
              : `${o.reason === 'failed' ? `exit ${r.exitCode ?? '?'}` : o.reason}: ${o.errors.map(describeError).join('; ')}`;
        const config = o.ok ? undefined : o.errors.find((e) => e.class === 'config');
        if (config !== undefined) noRetry ??= `${node}: ${describeError(config)}`;
        results.push({ node, ok: o.ok, exitCode: r.exitCode ?? undefined, summary });
        if (!replayed)
          env.events.emit({
            code: 'TDR_I_NODE_RESULT',
            data: { stepId: input.stepId, node, ok: o.ok, summary, durationMs: r.durationMs },
          });
        // a gated change cut short (its timeout, a lost connection) may have run: unknown, not failed
        if (!o.ok && input.gate && (r.canceled || r.timedOut) && !env.signal.aborted)
          return { ok: false, results, captured: undefined, unknown: `${node}: ${summary}` };
        if (!o.ok && !read) break; // a change never goes on to the next node after a failure
      }
      const ok = results.length === input.nodes.length && results.every((x) => x.ok);
      let captured: Record<string, Value> | undefined;
      if (ok && input.capture !== undefined && first !== undefined) {
        const p = parseOutputs(cls, first.stdout, first.exitCode ?? 1);
        if (p?.ok) {
          const all = p.value as unknown as Record<string, unknown>;
          captured = {};
          for (const f of Object.keys(input.capture.fields)) {
            const v = all[f];
            if (typeof v === 'string' || typeof v === 'number' || typeof v === 'boolean') captured[f] = v;
          }
        }
      }
      return noRetry === undefined ? { ok, results, captured } : { ok, results, captured, noRetry };
    }),
  );
}

/** One error for the step's summary; a config problem (certificate, RBAC, endpoint) carries its fix. */
function describeError(e: NodeError): string {
  return e.class === 'config' && e.hint !== undefined ? `${e.desc} (${e.hint})` : e.desc;
}

interface LocalWrite {
  ok: true;
  /** the argv with the temporary name in place of the target */
  argv: string[];
  target: string;
  temporary: string;
}

/** A local-write command writes a temporary name; a target that exists is refused before any call. */
function prepareLocal(argv: readonly string[], index: number): LocalWrite | { ok: false; reason: string } {
  const target = argv[index] ?? '';
  const taken = targetTaken(target);
  if (taken !== undefined) return { ok: false, reason: `not run: ${taken}` };
  const temporary = temporaryBeside(target);
  return { ok: true, argv: argv.map((a, i) => (i === index ? temporary : a)), target, temporary };
}

/** Links a successful write into place (never over a file) and says where it went. */
function finishLocal(r: CommandResult, w: LocalWrite): CommandResult {
  if (r.exitCode !== 0) {
    discard(w.temporary);
    return r;
  }
  const linked = linkIntoPlace(w.temporary, w.target);
  // talosctl printed the temporary name: the output names the file where it now is
  const stdout = r.stdout.split(JSON.stringify(w.temporary)).join(JSON.stringify(w.target));
  if (linked.ok) return commandResult({ ...r, stdout });
  return commandResult({
    ...r,
    stdout,
    exitCode: 1,
    stderr: `${r.stderr}${r.stderr.endsWith('\n') || r.stderr === '' ? '' : '\n'}talos-dr: ${linked.reason}\n`,
  });
}
