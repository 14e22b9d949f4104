// One real process racing for the run lock: argv = <lock dir> <key> <operator> <go file>.
// Prints "ready", waits (busy, synchronously) until the go file exists so that every taker calls
// acquireLock at the same instant, then prints "won <pid>" (and holds the lock until killed),
// "lost <holder pid>" or "error <text>".
import { existsSync } from 'node:fs';
import { acquireLock, LockHeldError } from '../../src/engine/lock.js';

const [dir = '', key = '', operator = '?', go = ''] = process.argv.slice(2);
process.stdout.write('ready\n');
const tick = new Int32Array(new SharedArrayBuffer(4));
while (!existsSync(go)) Atomics.wait(tick, 0, 0, 1);
try {
  acquireLock({ dir, key, operator, runbook: 'race' });
  process.stdout.write(`won ${process.pid}\n`);
  setInterval(() => {}, 1 << 30);
} catch (e) {
  if (e instanceof LockHeldError) {
    process.stdout.write(`lost ${e.holder?.pid ?? 'unreadable'}\n`);
    process.exit(5);
  }
  process.stdout.write(`error ${e instanceof Error ? e.message : String(e)}\n`);
  process.exit(1);
}
