import { z } from 'zod';
import type { ValueType } from '../checks/catalog.js';

/**
 * The runbook format, `apiVersion: talos-dr/v1`: the single source of its types (z.infer), of the
 * editor JSON Schema (schema/runbook.schema.json, `npm run gen:schema`) and of structural
 * validation. Cross-field rules (ids, refs, the catalog) live in rules.ts.
 */

export const VALUE_TYPES = [
  'node',
  'nodes',
  'memberId',
  'path',
  'duration',
  'percent',
  'number',
  'string',
  'boolean',
  'enum',
] as const satisfies readonly ValueType[];

/** The step kinds; a step names its kind by carrying exactly one of these keys. Order = union order. */
export const STEP_KINDS = [
  'read',
  'talosctl',
  'precondition',
  'wait',
  'postcondition',
  'confirm',
  'manual',
  'foreach',
  'choice',
  'end',
] as const;
export type StepKind = (typeof STEP_KINDS)[number];

/** 'mutating' is the name of 'disruptive' before the command registry; still read. */
export const EFFECTS = ['read', 'local-write', 'disruptive', 'irreversible', 'mutating'] as const;
export const END_OUTCOMES = ['success', 'failed', 'precondition-failed', 'aborted'] as const;

export const ID_PATTERN = /^[a-z][a-z0-9-]*$/;
export const NAME_PATTERN = /^[a-z][a-zA-Z0-9-]*$/;
export const REF_PATTERN = /^[a-z][a-zA-Z0-9-]*(\.[a-zA-Z][a-zA-Z0-9-]*)?$/;
export const DURATION_PATTERN = /^(?=\d)(\d+h)?(\d+m)?(\d+s)?(\d+ms)?$/;

const Id = z.string().regex(ID_PATTERN).describe('a step id: lowercase kebab-case');
const Name = z.string().regex(NAME_PATTERN);
const Duration = z.string().regex(DURATION_PATTERN).describe('a duration: 30s, 5m, 1h, 1m30s, 250ms');
const Text = z.string().min(1);

/** `{ ref: params.nodes }`, `{ ref: order.leader }`, `{ ref: node }`: a typed reference, never a template. */
export const Ref = z
  .strictObject({ ref: z.string().regex(REF_PATTERN) })
  .describe('params.<name>, <capture>.<field> or a foreach variable');
const Literal = z.union([z.string(), z.number(), z.boolean(), z.array(z.string())]);
export const ValueOrRef = z.union([Ref, Literal]);
const With = z.record(Name, ValueOrRef).describe('arguments of the check or observation');

const OnFailure = z
  .union([z.enum(['abort', 'continue']), z.strictObject({ goto: Id })])
  .describe('abort (default), continue (non-critical steps only) or { goto: <step id> }');
const Retry = z.strictObject({
  attempts: z.int().min(1).max(10).describe('total attempts, first one included'),
  backoff: Duration.optional().describe('delay before the second attempt (default 5s)'),
  factor: z.number().min(1).max(10).optional().describe('delay multiplier per attempt (default 2)'),
  maxBackoff: Duration.optional().describe('largest delay (default 5m)'),
});

const base = {
  id: Id,
  title: Text.optional(),
  description: Text.optional(),
};
const policy = {
  timeout: Duration.optional().describe(
    'per attempt; default 2m, 10s for a read-class talosctl step (each call), 30s for a check',
  ),
  retry: Retry.optional(),
  onFailure: OnFailure.optional(),
};
const CheckCall = { check: Text, with: With.optional() };
const Poll = {
  ...CheckCall,
  timeout: Duration.describe('overall bound of the polling'),
  interval: Duration.optional().describe('delay between polls (default 5s)'),
  backoff: z.number().min(1).max(10).optional().describe('interval multiplier per poll (default 1)'),
  maxInterval: Duration.optional(),
};

export const ReadStep = z.strictObject({
  ...base,
  ...policy,
  read: z.strictObject({ observe: Text, with: With.optional() }),
  capture: Name.optional().describe('name of the captured outputs (default: the step id)'),
});
export const TalosctlStep = z.strictObject({
  ...base,
  ...policy,
  talosctl: z
    .array(z.union([z.string(), Ref]))
    .min(1)
    .describe('argv after "talosctl", a list: never a shell string'),
  node: ValueOrRef.optional(),
  nodes: ValueOrRef.optional(),
  effect: z.enum(EFFECTS).optional().describe('may only strengthen the registry effect'),
  capture: Name.optional(),
  done: z
    .strictObject({
      ...Poll,
      timeout: Duration.optional(),
      otherwise: z
        .enum(['ask', 'fail'])
        .optional()
        .describe(
          'when the check does not hold: ask (default) a fresh approval to run it again, or fail the attempt and follow onFailure',
        ),
    })
    .optional()
    .describe(
      'the check that shows the command took effect: after a crash left its outcome unknown, resume asks it (polling up to timeout) instead of running the command again',
    ),
});
export const PreconditionStep = z.strictObject({ ...base, ...policy, precondition: z.strictObject(CheckCall) });
export const WaitStep = z.strictObject({ ...base, onFailure: OnFailure.optional(), wait: z.strictObject(Poll) });
export const PostconditionStep = z.strictObject({
  ...base,
  onFailure: OnFailure.optional(),
  postcondition: z.strictObject({ ...Poll, timeout: Duration.optional() }),
});
export const ConfirmStep = z.strictObject({
  ...base,
  confirm: z.strictObject({
    prompt: Text,
    token: ValueOrRef.optional().describe('what the operator must type (default: the guarded target)'),
  }),
});
export const ManualStep = z.strictObject({
  ...base,
  manual: z.strictObject({ instructions: Text, prompt: Text.optional() }),
});
export const ChoiceStep = z.strictObject({
  ...base,
  timeout: policy.timeout,
  onFailure: OnFailure.optional(),
  choice: z.strictObject({ ...CheckCall, ifPass: Id.optional(), ifFail: Id.optional() }),
});
export const EndStep = z.strictObject({
  ...base,
  end: z.strictObject({ outcome: z.enum(END_OUTCOMES), message: Text }),
});

export type StepDoc =
  | z.infer<typeof ReadStep>
  | z.infer<typeof TalosctlStep>
  | z.infer<typeof PreconditionStep>
  | z.infer<typeof WaitStep>
  | z.infer<typeof PostconditionStep>
  | z.infer<typeof ConfirmStep>
  | z.infer<typeof ManualStep>
  | ForeachStepDoc
  | z.infer<typeof ChoiceStep>
  | z.infer<typeof EndStep>;

export interface ForeachStepDoc {
  id: string;
  title?: string | undefined;
  description?: string | undefined;
  foreach: { in: z.infer<typeof ValueOrRef>; as: string };
  steps: StepDoc[];
}

export const ForeachStep = z.strictObject({
  ...base,
  foreach: z.strictObject({ in: ValueOrRef, as: Name }).describe('sequential, one item at a time'),
  get steps(): z.ZodArray<z.ZodType<StepDoc>> {
    return z.array(Step).min(1);
  },
});

export const Step: z.ZodType<StepDoc> = z.union([
  ReadStep,
  TalosctlStep,
  PreconditionStep,
  WaitStep,
  PostconditionStep,
  ConfirmStep,
  ManualStep,
  ForeachStep,
  ChoiceStep,
  EndStep,
]);

export const Param = z.strictObject({
  type: z.enum(VALUE_TYPES),
  description: Text,
  default: Literal.optional(),
  values: z.array(Text).min(1).optional().describe('for type enum'),
  min: z.number().optional().describe('numbers: lowest value; nodes: fewest items'),
  max: z.number().optional(),
});

export const Metadata = z.strictObject({
  name: Id,
  title: Text,
  summary: Text.optional(),
  whenToUse: Text.optional(),
  references: z.array(Text).optional(),
});

export const RunbookSchema = z.strictObject({
  apiVersion: z.literal('talos-dr/v1'),
  kind: z.literal('Runbook'),
  metadata: Metadata,
  params: z.record(Name, Param).optional(),
  steps: z.array(Step).min(1),
});

export type RunbookDoc = z.infer<typeof RunbookSchema>;
export type ParamDoc = z.infer<typeof Param>;
export type RefDoc = z.infer<typeof Ref>;
export type ValueOrRefDoc = z.infer<typeof ValueOrRef>;
export type OnFailureDoc = z.infer<typeof OnFailure>;
