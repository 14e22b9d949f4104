// Regenerates the sample logs of fixtures/logs/ and their golden reports, deliberately:
//   npm run gen:audit-fixtures
// The logs come from test/helpers/audit-scenarios.ts through the real Journal (the restore run is
// signed with the test-only key fixtures/keys/audit-test.key); the goldens are `log show` in
// text, md and json. Review the diff before committing: a changed golden is a changed report.
import { readFileSync, rmSync, writeFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { renderReport, reportFromText } from '../src/audit/report/index.js';
import { openSigner } from '../src/audit/sign.js';
import { writeNospaceRun, writeRestoreRun } from '../test/helpers/audit-scenarios.js';

const root = fileURLToPath(new URL('..', import.meta.url));
export const SAMPLE_LOGS = ['nospace-recovery', 'restore-from-snapshot'] as const;
export const GOLDEN_FORMATS = { txt: 'text', md: 'md', json: 'json' } as const;

function main(): void {
  const signer = openSigner(`${root}fixtures/keys/audit-test.key`);
  const logs = { 'nospace-recovery': writeNospaceRun, 'restore-from-snapshot': writeRestoreRun } as const;
  for (const name of SAMPLE_LOGS) {
    const path = `${root}fixtures/logs/${name}.jsonl`;
    rmSync(path, { force: true });
    logs[name](path, name === 'restore-from-snapshot' ? signer : undefined);
    const report = reportFromText(readFileSync(path, 'utf8'));
    for (const [ext, format] of Object.entries(GOLDEN_FORMATS))
      writeFileSync(`${root}fixtures/logs/${name}.golden.${ext}`, renderReport(format, report));
    console.log(`fixtures/logs/${name}.jsonl and its goldens written`);
  }
}

main();
