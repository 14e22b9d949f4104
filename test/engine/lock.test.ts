import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { hostname, tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { execa, type ResultPromise } from 'execa';
import { afterEach, describe, expect, it } from 'vitest';
import { acquireLock, defaultLockDir, LockHeldError, lockPathFor } from '../../src/engine/lock.js';
import { ExitCode } from '../../src/io/exit-codes.js';

const FIXTURE = fileURLToPath(new URL('../fixtures/take-lock.ts', import.meta.url));
const KEY = 'context lab, endpoints 127.0.0.11,127.0.0.12,127.0.0.13';
const dirs: string[] = [];
const children: ResultPromise[] = [];

afterEach(async () => {
  for (const c of children.splice(0)) {
    c.kill('SIGKILL');
    await c;
  }
  for (const d of dirs.splice(0)) rmSync(d, { recursive: true, force: true });
});

function lockDir(): string {
  const d = mkdtempSync(join(tmpdir(), 'tdr-lock-'));
  dirs.push(d);
  return d;
}

/** Starts a process that tries to take the lock; resolves with its first line of output. */
function spawnTaker(dir: string, operator: string): { child: ResultPromise; line: Promise<string> } {
  const child = execa(process.execPath, ['--import', 'tsx', FIXTURE, dir, KEY, operator], {
    reject: false,
    buffer: false,
  });
  children.push(child);
  const line = new Promise<string>((resolve, reject) => {
    let out = '';
    child.stdout?.on('data', (b: Buffer) => {
      out += b.toString();
      if (out.includes('\n')) resolve(out.split('\n')[0] ?? '');
    });
    child.on('exit', () => resolve(out.split('\n')[0] ?? `exited without output`));
    child.on('error', reject);
  });
  return { child, line };
}

describe('run lock', () => {
  it('a second acquirer gets a typed error naming the holder (exit 5)', async () => {
    const dir = lockDir();
    const holder = spawnTaker(dir, 'alice');
    expect(await holder.line).toMatch(/^won /);
    try {
      acquireLock({ dir, key: KEY, operator: 'bob', runbook: 'nospace-recovery' });
      expect.unreachable();
    } catch (e) {
      expect(e).toBeInstanceOf(LockHeldError);
      const err = e as LockHeldError;
      expect(err.code).toBe('TDR_LOCKED');
      expect(err.exitCode).toBe(ExitCode.locked);
      expect(err.holder).toMatchObject({
        operator: 'alice',
        pid: holder.child.pid,
        host: hostname(),
        runbook: 'drill',
      });
      expect(err.message).toMatch(
        new RegExp(
          `^another run holds the cluster lock: operator alice \\(pid ${holder.child.pid} on host .+\\), runbook drill, since \\d{4}-`,
        ),
      );
    }
  });

  it('takes over the lock of a SIGKILLed holder', async () => {
    const dir = lockDir();
    const holder = spawnTaker(dir, 'alice');
    expect(await holder.line).toMatch(/^won /);
    holder.child.kill('SIGKILL');
    await holder.child;
    const lock = acquireLock({ dir, key: KEY, operator: 'bob', runbook: 'x' });
    expect(JSON.parse(readFileSync(lock.path, 'utf8'))).toMatchObject({ operator: 'bob', pid: process.pid });
    lock.release();
    lock.release();
    const again = acquireLock({ dir, key: KEY, operator: 'carol', runbook: 'x' });
    again.release();
  });

  it('exactly one of several concurrent acquirers wins, on a free lock and on a stale one', async () => {
    for (const stale of [false, true]) {
      const dir = lockDir();
      if (stale) {
        const dead = spawnTaker(dir, 'ghost');
        expect(await dead.line).toMatch(/^won /);
        dead.child.kill('SIGKILL');
        await dead.child;
      }
      const takers = ['p1', 'p2', 'p3', 'p4'].map((op) => spawnTaker(dir, op));
      const lines = await Promise.all(takers.map((t) => t.line));
      expect(
        lines.filter((l) => l.startsWith('won ')),
        lines.join('\n'),
      ).toHaveLength(1);
      expect(lines.filter((l) => l.startsWith('lost '))).toHaveLength(3);
      const winner = takers[lines.findIndex((l) => l.startsWith('won '))];
      for (const l of lines.filter((x) => x.startsWith('lost '))) expect(l).toContain(`pid ${winner?.child.pid}`);
    }
  });

  it('never steals a lock held from another host, and reports an unreadable lock file', () => {
    const dir = lockDir();
    const path = lockPathFor(KEY, dir);
    const other = {
      operator: 'dave',
      pid: 1,
      host: 'elsewhere',
      runbook: 'r',
      since: 'then',
      key: KEY,
      pidStart: null,
      nonce: 'n',
    };
    writeFileSync(path, JSON.stringify(other));
    expect(() => acquireLock({ dir, key: KEY, operator: 'bob', runbook: 'x' })).toThrow(
      /operator dave \(pid 1 on host elsewhere\)/,
    );
    writeFileSync(path, '{garbage');
    expect(() => acquireLock({ dir, key: KEY, operator: 'bob', runbook: 'x' })).toThrow(/lock file cannot be read/);
  });

  it('keys locks per cluster and finds the lock dir from the environment', () => {
    const dir = lockDir();
    const a = acquireLock({ dir, key: 'cluster-a', operator: 'o', runbook: 'r' });
    const b = acquireLock({ dir, key: 'cluster-b', operator: 'o', runbook: 'r' });
    expect(a.path).not.toBe(b.path);
    a.release();
    b.release();
    expect(defaultLockDir({ TALOS_DR_LOCK_DIR: '/x/locks' })).toBe('/x/locks');
    expect(defaultLockDir({ XDG_STATE_HOME: '/s' })).toBe('/s/talos-dr/locks');
    expect(defaultLockDir({})).toMatch(/\.local\/state\/talos-dr\/locks$/);
  });
});
