#!/usr/bin/env node
// A stand-in talosctl for the crash campaign: numbers each call (an exclusive file per index, so
// concurrent calls never share one), runs the lab shim, appends what it EXECUTED to a record, and
// on call CRASH_KILL_AT SIGKILLs its parent (talos-dr): before running the command
// (CRASH_KILL_WHEN=before: the intent is journaled, nothing ran) or after it ran but before
// talos-dr can read and record the result (CRASH_KILL_WHEN=after: the "mid-step" crash).
import { spawnSync } from 'node:child_process';
import { appendFileSync, closeSync, mkdirSync, openSync } from 'node:fs';
import { join } from 'node:path';

const dir = process.env.CRASH_DIR ?? '';
const shim = process.env.CRASH_SHIM ?? '';
const killAt = Number(process.env.CRASH_KILL_AT ?? '0');
const match = process.env.CRASH_KILL_MATCH ?? '';
const when = process.env.CRASH_KILL_WHEN === 'after' ? 'after' : 'before';
const argv = process.argv.slice(2);
// CRASH_KILL_AT=-1 with CRASH_KILL_MATCH: the first call whose argv contains the words
const target = (n) => (killAt === -1 ? match !== '' && argv.join(' ').includes(match) : n === killAt);
mkdirSync(join(dir, 'calls'), { recursive: true });
let i = 1;
for (; ; i++) {
  try {
    closeSync(openSync(join(dir, 'calls', String(i)), 'wx'));
    break;
  } catch {
    // taken by an earlier call
  }
}
const kill = () => {
  appendFileSync(join(dir, 'kills.jsonl'), `${JSON.stringify({ i, when, argv })}\n`);
  process.kill(process.ppid, 'SIGKILL');
};
if (target(i) && when === 'before') {
  kill();
  process.exit(137);
}
const r = spawnSync(process.execPath, [shim, ...argv], { stdio: ['ignore', 'pipe', 'pipe'], maxBuffer: 1 << 28 });
appendFileSync(join(dir, 'executed.jsonl'), `${JSON.stringify({ i, argv, exit: r.status })}\n`);
if (target(i) && when === 'after') {
  kill();
  process.exit(137);
}
process.stdout.write(r.stdout ?? '');
process.stderr.write(r.stderr ?? '');
process.exit(r.status ?? 1);
