// Writes schema/runbook.schema.json from the zod schema. test/runbook/json-schema.test.ts fails
// when the checked-in file is stale: run `npm run gen:schema` after changing src/runbook/schema.ts.
import { writeFileSync } from 'node:fs';
import { runbookJsonSchema } from '../src/runbook/json-schema.js';

writeFileSync(new URL('../schema/runbook.schema.json', import.meta.url), runbookJsonSchema());
process.stdout.write('wrote schema/runbook.schema.json\n');
