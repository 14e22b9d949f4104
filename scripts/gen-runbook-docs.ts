// Writes docs/runbooks/<name>.md for every runbooks/<name>.yaml, from the YAML and its notes
// (runbooks/<name>.notes.md). test/docs/runbook-pages.test.ts fails when a page is stale: run
// `npm run gen:docs` after changing a runbook or its notes.
import { existsSync, mkdirSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { renderRunbookPage } from '../src/docs/runbook-page.js';

const root = new URL('../', import.meta.url);
const out = new URL('docs/runbooks/', root);
mkdirSync(out, { recursive: true });
let failed = false;
for (const f of readdirSync(new URL('runbooks/', root))
  .filter((x) => x.endsWith('.yaml'))
  .sort()) {
  const name = f.replace(/\.yaml$/, '');
  const notesUrl = new URL(`runbooks/${name}.notes.md`, root);
  const notes = existsSync(notesUrl) ? readFileSync(notesUrl, 'utf8') : undefined;
  const r = renderRunbookPage(readFileSync(new URL(`runbooks/${f}`, root), 'utf8'), `runbooks/${f}`, notes);
  if (!r.ok) {
    failed = true;
    process.stderr.write(`${r.problems.join('\n')}\n`);
    continue;
  }
  writeFileSync(new URL(`${name}.md`, out), r.page);
  process.stdout.write(`wrote docs/runbooks/${name}.md\n`);
}
process.exitCode = failed ? 1 : 0;
