import { existsSync, writeFileSync } from 'node:fs';
import { isMemberAlive } from './cluster.js';
import { NetSupervisor } from './net-supervise.js';
import { labPaths, readLabState, readNode } from './state.js';
import { newMemory, superviseOnce } from './supervisor.js';

/**
 * The lab supervisor process (`lab-supervisor <lab dir>`): started detached by `lab up`,
 * stopped by `lab down` (SIGTERM by PID). It never stops members itself: their PIDs are in the
 * node records, and `lab down` stops exactly those.
 */
export async function supervisorMain(args: readonly string[]): Promise<void> {
  const dir = args[0];
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
  // the network faults run beside the node loop: a flap must not wait for a slow health check
  const firstLab = readLabState(dir);
  const net = firstLab ? new NetSupervisor(dir, firstLab, log) : null;
  const netLoop = (async () => {
    while (net && !stopping) {
      await net.tick();
      await new Promise((r) => setTimeout(r, 150));
    }
    await net?.close();
  })();
  while (!stopping) {
    const lab = readLabState(dir);
    if (!lab || !existsSync(labPaths(dir).state)) break;
    await superviseOnce(dir, lab, mem, log);
    await new Promise((r) => setTimeout(r, 300));
  }
  stopping = true;
  await netLoop;
  // Draining: restart nothing, but stay until `lab down` has stopped the members, so that this
  // process (their parent) reaps them and no zombie is left behind.
  writeFileSync(labPaths(dir).supervisorDraining, String(process.pid));
  log('supervisor draining');
  const drainUntil = Date.now() + 20_000;
  while (Date.now() < drainUntil) {
    const lab = readLabState(dir);
    const alive = (lab?.nodes ?? []).some((n) => {
      const rec = readNode(dir, n.name);
      return rec !== null && isMemberAlive(dir, rec);
    });
    if (!alive) break;
    await new Promise((r) => setTimeout(r, 100));
  }
  log('supervisor stopped');
  process.exit(0);
}
