import { hostname, userInfo } from 'node:os';
import type { LogRecord } from '../audit/log-format.js';
import type { ApprovalToken } from '../compile/contract.js';
import { note, type Recorder } from './events.js';
import { type Prompter, PromptInterrupted } from './prompter.js';

/**
 * Confirmation gates: who may approve, how, and what is written down. In a terminal the operator
 * must TYPE the token (the node or member the irreversible step targets; "yes" when there is no
 * target): a bare Enter or any other text never approves. Without a terminal a gate stops the
 * run (exit 3) unless it was approved beforehand with `--approve <step-id>`, which is recorded
 * as a flag approval with the operator's identity and a deviation record.
 */

export interface GatePolicy {
  interactive: boolean;
  /** step ids approved with --approve (a confirm id, or the id of an irreversible step it guards) */
  preApproved: ReadonlySet<string>;
  /** --operator, else user@host */
  operator: string;
}

export interface GateRequest {
  /** the confirm step (or, on resume, the irreversible step needing a fresh approval) */
  stepId: string;
  /** the steps this approval covers: --approve of any of them approves */
  covers: readonly string[];
  /** the full text shown, exactly as written to the journal */
  text: string;
  token: ApprovalToken | undefined;
  fingerprint: string;
}

export interface GateAnswer {
  approved: boolean;
  by: string;
  how: 'tty' | 'flag' | 'none';
  /** the run stopped because nobody could answer (non-interactive, no --approve) */
  stoppedNonInteractive: boolean;
}

export const DECLINE_WORDS = new Set(['no', 'n', 'abort', 'decline', 'stop']);
const MAX_WRONG = 3;

export function defaultOperator(): string {
  let user = 'unknown';
  try {
    user = userInfo().username;
  } catch {
    user = process.env.USER ?? 'unknown';
  }
  return `${user}@${hostname()}`;
}

export interface Gatekeeper {
  readonly policy: GatePolicy;
  ask(req: GateRequest, signal: AbortSignal): Promise<GateAnswer>;
}

export function createGatekeeper(policy: GatePolicy, prompter: Prompter, to: Recorder): Gatekeeper {
  /** an answer someone gave (a stop without a terminal is no approval and records none) */
  type Given = GateAnswer & { how: 'tty' | 'flag' };
  const record = (req: GateRequest, a: Given): LogRecord<'approval'> =>
    to.journal.append('approval', {
      step: req.stepId,
      who: a.by,
      how: a.how,
      when: new Date().toISOString(),
      fingerprint: req.fingerprint,
      approved: a.approved,
      // the target as shown: an approval is recorded per target, also for a bare --approve
      ...(req.token === undefined ? {} : { target: req.token.value }),
    });
  const answered = (req: GateRequest, a: Given): GateAnswer => {
    to.events.emit({ code: 'TDR_I_APPROVAL', data: { record: record(req, a) } });
    return a;
  };
  return {
    policy,
    async ask(req, signal) {
      const expected = req.token?.value ?? 'yes';
      note(
        to,
        'approval-request',
        { step: req.stepId, prompt: req.text, fingerprint: req.fingerprint, token: expected },
        (r) => ({ code: 'TDR_I_GATE', data: { record: r } }),
      );
      const target = req.token?.value;
      const flagged =
        req.covers.map((id) => `${id}@${target}`).find((k) => target !== undefined && policy.preApproved.has(k)) ??
        req.covers.find((id) => policy.preApproved.has(id));
      if (flagged !== undefined) {
        const a: Given = { approved: true, by: policy.operator, how: 'flag', stoppedNonInteractive: false };
        const approval = record(req, a);
        const deviation = to.journal.append('deviation', {
          step: req.stepId,
          kind: 'flag-approval',
          detail: `approved without a prompt by --approve ${flagged}${target !== undefined && !flagged.includes('@') ? ` (a bare --approve covers every target of the step; this one: ${target})` : ''} (operator ${policy.operator})`,
        });
        to.events.emit({
          code: 'TDR_I_APPROVAL',
          data: { record: approval, flag: { covers: flagged, record: deviation } },
        });
        return a;
      }
      if (!policy.interactive || !prompter.interactive) {
        note(to, 'step-end', { step: req.stepId, outcome: 'stopped: no approval (non-interactive)' }, (r) => ({
          code: 'TDR_W_GATE_STOPPED',
          data: { record: r },
        }));
        return { approved: false, by: policy.operator, how: 'none', stoppedNonInteractive: true };
      }
      let wrong = 0;
      for (;;) {
        const answer = (await prompter.input(`Type ${expected} to approve, or "no" to stop:`, signal)).trim();
        if (answer === expected)
          return answered(req, { approved: true, by: policy.operator, how: 'tty', stoppedNonInteractive: false });
        if (DECLINE_WORDS.has(answer.toLowerCase()) || wrong + 1 >= MAX_WRONG)
          return answered(req, { approved: false, by: policy.operator, how: 'tty', stoppedNonInteractive: false });
        wrong += answer === '' ? 0 : 1;
        to.events.emit({
          code: 'TDR_W_TOKEN_MISMATCH',
          data: { stepId: req.stepId, answer, expected, triesLeft: MAX_WRONG - wrong },
        });
      }
    },
  };
}

export { PromptInterrupted };
