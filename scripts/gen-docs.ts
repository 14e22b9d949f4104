// Regenerates the error-code table of docs/runbook-format.md from src/runbook/diagnostics.ts.
// test/runbook/docs.test.ts fails when the doc is stale.
import { readFileSync, writeFileSync } from 'node:fs';
import { withCodeTable } from '../src/runbook/diagnostics-doc.js';

const file = new URL('../docs/runbook-format.md', import.meta.url);
writeFileSync(file, withCodeTable(readFileSync(file, 'utf8')));
process.stdout.write('updated docs/runbook-format.md\n');
