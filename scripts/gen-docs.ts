// Regenerates the generated parts of the docs: the error-code table of docs/runbook-format.md from
// src/runbook/diagnostics.ts, and the verdict and metrics tables of docs/triage.md from the triage
// decision table and exposition. test/runbook/docs.test.ts and test/triage/docs.test.ts fail when a doc is stale.
import { readFileSync, writeFileSync } from 'node:fs';
import { withCodeTable } from '../src/runbook/diagnostics-doc.js';
import { withGeneratedTables } from '../src/triage/doc-table.js';

const file = new URL('../docs/runbook-format.md', import.meta.url);
writeFileSync(file, withCodeTable(readFileSync(file, 'utf8')));
process.stdout.write('updated docs/runbook-format.md\n');

const triage = new URL('../docs/triage.md', import.meta.url);
writeFileSync(triage, withGeneratedTables(readFileSync(triage, 'utf8')));
process.stdout.write('updated docs/triage.md\n');
