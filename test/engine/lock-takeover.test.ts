import { mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, utimesSync, writeFileSync } from 'node:fs';
import { hostname, tmpdir } from 'node:os';
import { join } from 'node:path';
import { execa } from 'execa';
import { afterEach, describe, expect, it } from 'vitest';
import { lockContention } from '../../scripts/reliability/lock-contention.js';
import { acquireLock, LockHeldError, lockPathFor } from '../../src/engine/lock.js';

// Stale-lock takeover: no time-based guard, crashed takeovers never block, and many concurrent
// takers of one stale lock end with exactly one winner.
const KEY = 'takeover cluster';
const dirs: string[] = [];
afterEach(() => {
  for (const d of dirs.splice(0)) rmSync(d, { recursive: true, force: true });
});

function lockDir(): string {
  const d = mkdtempSync(join(tmpdir(), 'tdr-takeover-'));
  dirs.push(d);
  return d;
}

async function deadPid(): Promise<number> {
  const c = execa(process.execPath, ['-e', '0']);
  await c;
  return c.pid ?? 0x3fffff;
}

const holder = (pid: number, operator: string, nonce: string) =>
  `${JSON.stringify({ operator, pid, host: hostname(), runbook: 'r', since: 'then', key: KEY, pidStart: null, nonce })}\n`;

describe('stale lock takeover', () => {
  it('is not blocked by a takeover that crashed half-way (claims left by dead takers, old guard dir)', async () => {
    const dir = lockDir();
    const path = lockPathFor(KEY, dir);
    writeFileSync(path, holder(await deadPid(), 'ghost', 'aaaa'));
    // a taker SIGKILLed after claiming generation aaaa, and one killed while taking over that claim
    writeFileSync(`${path}.claim-aaaa`, holder(await deadPid(), 'crashed-1', 'bbbb'));
    writeFileSync(`${path}.claim-aaaa.claim-bbbb`, holder(await deadPid(), 'crashed-2', 'cccc'));
    // the guard directory the previous implementation left when it crashed: now meaningless
    mkdirSync(`${path}.takeover`);
    utimesSync(`${path}.takeover`, new Date(), new Date());
    const lock = acquireLock({ dir, key: KEY, operator: 'bob', runbook: 'x' });
    expect(JSON.parse(readFileSync(path, 'utf8'))).toMatchObject({ operator: 'bob', pid: process.pid });
    // the claim chain was consumed by the takeover; only the lock (and the old dir) remain
    expect(readdirSync(dir).sort()).toEqual([`${path.split('/').pop()}`, `${path.split('/').pop()}.takeover`].sort());
    lock.release();
    expect(readdirSync(dir)).toHaveLength(1);
  });

  it('a live claimant is never overtaken: the stale lock stays claimed by it', async () => {
    const dir = lockDir();
    const path = lockPathFor(KEY, dir);
    writeFileSync(path, holder(await deadPid(), 'ghost', 'dddd'));
    // a claim held by a live process (this one): another taker must not steal the takeover
    writeFileSync(`${path}.claim-dddd`, holder(process.pid, 'live-taker', 'eeee'));
    const err = (() => {
      try {
        acquireLock({ dir, key: KEY, operator: 'bob', runbook: 'x' });
        return undefined;
      } catch (e) {
        return e;
      }
    })();
    expect(err).toBeInstanceOf(LockHeldError);
    expect(JSON.parse(readFileSync(path, 'utf8'))).toMatchObject({ operator: 'ghost' });
  });

  it('many concurrent takers of a stale lock (with dead claims): exactly one winner, losers name it', async () => {
    const f = await lockContention({ scenario: 'stale-with-dead-claims', rounds: 2, takers: 6 });
    expect(f.samples).toEqual([]);
    expect(f).toMatchObject({ oneWinner: 2, noWinner: 0, severalWinners: 0, wrongHolderNamed: 0, errors: 0 });
  });
});
