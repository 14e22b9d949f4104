import { existsSync, writeFileSync } from 'node:fs';
import { labPaths, readLabState } from './state.js';
import { newMemory, superviseOnce } from './supervisor.js';

/**
 * The lab supervisor process (dist/lab-supervisor.mjs <lab dir>): started detached by `lab up`,
 * stopped by `lab down` (SIGTERM by PID). It never stops members itself: their PIDs are in the
 * node records, and `lab down` stops exactly those.
 */
const dir = process.argv[2];
if (!dir) {
  process.stderr.write('usage: lab-supervisor <lab dir>\n');
  process.exit(2);
}
let stopping = false;
process.on('SIGTERM', () => {
  stopping = true;
});
process.on('SIGINT', () => {
  stopping = true;
});
writeFileSync(labPaths(dir).supervisorPid, String(process.pid));
const log = (line: string): void => {
  process.stdout.write(`${new Date().toISOString()} ${line}\n`);
};
log(`supervisor ${process.pid} watching ${dir}`);
const mem = newMemory();
while (!stopping) {
  const lab = readLabState(dir);
  if (!lab || !existsSync(labPaths(dir).state)) break;
  await superviseOnce(dir, lab, mem, log);
  await new Promise((r) => setTimeout(r, 300));
}
log('supervisor stopping');
process.exit(0);
