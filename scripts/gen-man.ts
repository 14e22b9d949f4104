// Writes man/talos-dr.1 from the --help texts of the commander program (src/cli/man-page.ts).
// test/cli/man-page.test.ts fails when the page is stale: run `npm run gen:man`.
import { writeFileSync } from 'node:fs';
import { programManPage } from '../src/cli/man-page.js';

writeFileSync(new URL('../man/talos-dr.1', import.meta.url), await programManPage());
process.stdout.write('updated man/talos-dr.1\n');
