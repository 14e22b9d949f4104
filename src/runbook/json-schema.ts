import { z } from 'zod';
import { RunbookSchema } from './schema.js';

/** The editor JSON Schema of the runbook format, generated from the zod schema (never by hand). */
export function runbookJsonSchema(): string {
  const schema = z.toJSONSchema(RunbookSchema, { target: 'draft-2020-12', io: 'input' });
  const withId = { $id: 'https://talos-dr.dev/schema/runbook.schema.json', title: 'talos-dr runbook', ...schema };
  return `${JSON.stringify(withId, null, 2)}\n`;
}
