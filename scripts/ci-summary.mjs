// Prints "N passed, N failed" from vitest's JSON report (CI reads this line), exits 1 on any
// failure, on a missing report or on a run with no tests.
import { existsSync, readFileSync } from 'node:fs';

const file = process.argv[2] ?? 'vt.json';
if (!existsSync(file)) {
  console.log('no test report written (the test run crashed before reporting)');
  console.log('0 passed, 1 failed');
  process.exit(1);
}
const report = JSON.parse(readFileSync(file, 'utf8'));
const passed = report.numPassedTests ?? 0;
// A file that failed to load has no test results of its own: count it as one failure.
const loadFailures = (report.testResults ?? []).filter(
  (f) => f.status === 'failed' && (f.assertionResults ?? []).length === 0,
).length;
const failed = (report.numFailedTests ?? 0) + loadFailures;
const skipped = (report.numPendingTests ?? 0) + (report.numTodoTests ?? 0);
console.log(`${passed} passed, ${failed} failed${skipped ? `, ${skipped} skipped` : ''}`);
process.exit(failed > 0 || passed === 0 ? 1 : 0);
