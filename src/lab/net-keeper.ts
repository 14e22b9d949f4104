import { type ChildProcessWithoutNullStreams, spawn } from 'node:child_process';
import { execa } from 'execa';
import { batchLine } from './net-rules.js';

/**
 * The one `nft -i` process that owns the lab's table. The table is created with `flags owner`:
 * only this process's netlink socket may change it, and the kernel deletes it the moment that
 * socket closes — when nft exits because the supervisor (the only holder of its stdin) died,
 * even by SIGKILL, or when nft itself is killed. So no rule of the lab outlives the lab.
 */

export interface ApplyResult {
  readonly ok: boolean;
  readonly error?: string;
  /** rules in the table as nft lists it afterwards */
  readonly rules: number;
  readonly table: boolean;
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/**
 * The table as the kernel has it: null when absent, else its number of rules. Read from
 * `nft -a list table` (every rule line ends in `# handle N`): nft 1.0.6's JSON of an owned table
 * is not valid JSON.
 */
export async function listTable(table: string): Promise<number | null> {
  const r = await execa('nft', ['-a', 'list', 'table', 'inet', table], { reject: false, timeout: 10_000 });
  if (r.exitCode !== 0) return null;
  return countRules(String(r.stdout));
}

/** Rule lines of an `nft -a list` text (not the table's or a chain's own handle line). */
export function countRules(listing: string): number {
  return listing
    .split('\n')
    .map((l) => l.trim())
    .filter((l) => /# handle \d+$/.test(l) && !/^(table|chain) /.test(l)).length;
}

export class NftKeeper {
  private child: ChildProcessWithoutNullStreams | null = null;
  private stderr = '';
  private exited = false;

  private readonly table: string;
  private readonly log: (line: string) => void;

  constructor(table: string, log: (line: string) => void) {
    this.table = table;
    this.log = log;
  }

  private ensureChild(): ChildProcessWithoutNullStreams {
    if (this.child && !this.exited) return this.child;
    const child = spawn('nft', ['-i'], { stdio: ['pipe', 'pipe', 'pipe'] });
    this.exited = false;
    this.stderr = '';
    child.stdout.resume();
    child.stderr.on('data', (c: Buffer) => {
      this.stderr += c.toString();
    });
    child.on('error', (e) => {
      this.exited = true;
      this.stderr += `\n${e.message}`;
    });
    child.on('exit', (code, sig) => {
      this.exited = true;
      this.log(`nft -i exited (${sig ?? code}); the kernel removed table ${this.table}`);
    });
    child.stdin.on('error', () => undefined);
    this.child = child;
    this.log(`nft -i started (pid ${child.pid}) for table ${this.table}`);
    return child;
  }

  /** PID of the nft child, if running (tests kill it to prove the kernel cleans up). */
  pid(): number | null {
    return this.child && !this.exited ? (this.child.pid ?? null) : null;
  }

  /**
   * Makes the table hold exactly `rules` (none: no table) in one nft transaction, then reads the
   * table back with a separate `nft list` and reports what the kernel really has.
   */
  async apply(rules: readonly string[]): Promise<ApplyResult> {
    const before = await listTable(this.table);
    const line = batchLine(this.table, before !== null, rules);
    const want = rules.filter((r) => r.startsWith('add rule ')).length;
    if (line === null) return { ok: true, rules: 0, table: false };
    if (before !== null && (this.exited || this.child === null)) {
      return { ok: false, error: `table ${this.table} exists but is not ours`, rules: before, table: true };
    }
    const child = this.ensureChild();
    const errAt = this.stderr.length;
    child.stdin.write(`${line}\n`);
    const deadline = Date.now() + 5000;
    for (;;) {
      await sleep(50);
      const err = this.stderr.slice(errAt).trim();
      const now = await listTable(this.table);
      if (err) {
        return {
          ok: false,
          error: `nft refused the rules: ${err.split('\n')[0]}`,
          rules: now ?? 0,
          table: now !== null,
        };
      }
      if (rules.length === 0 ? now === null : now === want) return { ok: true, rules: now ?? 0, table: now !== null };
      if (this.exited || Date.now() > deadline) {
        const why = this.exited ? 'nft exited' : 'timed out';
        return { ok: false, error: `${why} before the table held ${want} rules`, rules: now ?? 0, table: now !== null };
      }
    }
  }

  /** Deletes the table and lets nft exit (end of its stdin). */
  async close(): Promise<void> {
    const child = this.child;
    if (!child || this.exited) return;
    if ((await listTable(this.table)) !== null) child.stdin.write(`delete table inet ${this.table}\n`);
    child.stdin.end();
    const deadline = Date.now() + 3000;
    while (!this.exited && Date.now() < deadline) await sleep(20);
    if (!this.exited) child.kill('SIGKILL');
  }
}
