import { randomBytes } from 'node:crypto';
import { mkdirSync, mkdtempSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { hostname, tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { execa, type ResultPromise } from 'execa';
import { type LockHolder, lockPathFor } from '../../src/engine/lock.js';
import { bundleEntry } from './bundle.js';

/**
 * The run lock under contention, with real processes: `takers` processes released at the same
 * instant on a free lock, on a lock left by a SIGKILLed (dead) holder, and on a dead holder whose
 * takeover was itself interrupted (dead claims left behind). Each round must have one winner, and
 * every loser must name that winner.
 */

export type LockScenario = 'free' | 'stale' | 'stale-with-dead-claims';

export interface LockRoundsFigures {
  scenario: LockScenario;
  rounds: number;
  takers: number;
  oneWinner: number;
  noWinner: number;
  severalWinners: number;
  /** losers whose LockHeldError named someone other than the winner */
  wrongHolderNamed: number;
  /** takers that failed with anything but a LockHeldError */
  errors: number;
  /** claim or temp files left in the lock dir after the round (the winner's lock excepted) */
  leftovers: number;
  samples: string[];
}

const KEY = 'reliability campaign cluster';

/** A pid that certainly belongs to no live process: a child that has already exited. */
async function deadPid(): Promise<number> {
  const c = execa(process.execPath, ['-e', '0']);
  await c;
  return c.pid ?? 0x3fffff;
}

function holderText(pid: number, operator: string): { raw: string; nonce: string } {
  const nonce = randomBytes(8).toString('hex');
  const h: LockHolder = {
    operator,
    pid,
    host: hostname(),
    runbook: 'ghost',
    since: new Date(0).toISOString(),
    key: KEY,
    pidStart: null,
    nonce,
  };
  return { raw: `${JSON.stringify(h)}\n`, nonce };
}

/** Leaves what a SIGKILLed holder leaves, plus (optionally) claims of takers killed mid-takeover. */
async function plantStale(dir: string, deadClaims: number): Promise<void> {
  const path = lockPathFor(KEY, dir);
  let at = path;
  let content = holderText(await deadPid(), 'ghost');
  writeFileSync(at, content.raw);
  for (let i = 0; i < deadClaims; i++) {
    at = `${at}.claim-${content.nonce}`;
    content = holderText(await deadPid(), `crashed-taker-${i}`);
    writeFileSync(at, content.raw);
  }
}

async function round(entry: string, takers: number, scenario: LockScenario): Promise<string[]> {
  const dir = mkdtempSync(join(tmpdir(), 'tdr-lockrace-'));
  const go = join(dir, 'go');
  const lockDir = join(dir, 'locks');
  const children: ResultPromise[] = [];
  try {
    if (scenario !== 'free') {
      mkdirSync(lockDir, { recursive: true });
      await plantStale(lockDir, scenario === 'stale-with-dead-claims' ? 2 : 0);
    }
    const lines = Array.from({ length: takers }, (_, i) => {
      const child = execa(process.execPath, [entry, lockDir, KEY, `op${i}`, go], { reject: false, buffer: false });
      children.push(child);
      return new Promise<string[]>((resolve) => {
        let out = '';
        child.stdout?.on('data', (b: Buffer) => {
          out += b.toString();
          const ls = out.split('\n').filter(Boolean);
          if (ls.length >= 2) resolve(ls);
        });
        child.on('exit', () => resolve(out.split('\n').filter(Boolean)));
      });
    });
    // wait until every taker is ready, then release them together
    await Promise.all(
      children.map(
        (c) =>
          new Promise<void>((resolve) => {
            let out = '';
            const on = (b: Buffer) => {
              out += b.toString();
              if (out.includes('ready\n')) resolve();
            };
            c.stdout?.on('data', on);
            c.on('exit', () => resolve());
          }),
      ),
    );
    writeFileSync(go, '');
    const results = (await Promise.all(lines)).map((ls) => ls[1] ?? `error no outcome (${ls.join('|')})`);
    const left = readdirSync(lockDir).filter((f) => !f.endsWith('.lock'));
    return [...results, ...left.map((f) => `leftover ${f}`)];
  } finally {
    for (const c of children) c.kill('SIGKILL');
    await Promise.all(children);
    rmSync(dir, { recursive: true, force: true });
  }
}

export async function lockContention(opts: {
  scenario: LockScenario;
  rounds: number;
  takers: number;
}): Promise<LockRoundsFigures> {
  const entry = await bundleEntry(fileURLToPath(new URL('./lock-taker.ts', import.meta.url)));
  const f: LockRoundsFigures = {
    scenario: opts.scenario,
    rounds: opts.rounds,
    takers: opts.takers,
    oneWinner: 0,
    noWinner: 0,
    severalWinners: 0,
    wrongHolderNamed: 0,
    errors: 0,
    leftovers: 0,
    samples: [],
  };
  for (let r = 0; r < opts.rounds; r++) {
    const out = await round(entry, opts.takers, opts.scenario);
    const winners = out.filter((l) => l.startsWith('won ')).map((l) => l.slice(4));
    if (winners.length === 1) f.oneWinner++;
    else if (winners.length === 0) f.noWinner++;
    else f.severalWinners++;
    for (const l of out) {
      if (l.startsWith('lost ') && l.slice(5) !== winners[0]) f.wrongHolderNamed++;
      if (l.startsWith('error ')) f.errors++;
      if (l.startsWith('leftover ')) f.leftovers++;
    }
    if (winners.length !== 1 || out.some((l) => /^(error|leftover)/.test(l))) {
      if (f.samples.length < 5) f.samples.push(`round ${r}: ${out.join(' | ')}`);
    }
  }
  return f;
}

export interface LockLifecycleFigures {
  /** the second acquirer got LockHeldError and exit code 5, naming the holder's pid */
  secondAcquirerExit5: boolean;
  /** after the holder was SIGKILLed, a new acquirer took the lock */
  recoveredAfterSigkill: boolean;
}

/** Holder, second acquirer (exit 5), SIGKILL of the holder, recovery: with real processes. */
export async function lockLifecycle(): Promise<LockLifecycleFigures> {
  const entry = await bundleEntry(fileURLToPath(new URL('./lock-taker.ts', import.meta.url)));
  const dir = mkdtempSync(join(tmpdir(), 'tdr-lockcycle-'));
  const go = join(dir, 'go');
  writeFileSync(go, '');
  const start = (op: string) => {
    const child = execa(process.execPath, [entry, join(dir, 'locks'), KEY, op, go], { reject: false, buffer: false });
    const outcome = new Promise<string>((resolve) => {
      let out = '';
      child.stdout?.on('data', (b: Buffer) => {
        out += b.toString();
        const l = out.split('\n').filter(Boolean);
        if (l.length >= 2) resolve(l[1] ?? '');
      });
      child.on('exit', () => resolve(out.split('\n').filter(Boolean)[1] ?? ''));
    });
    return { child, outcome };
  };
  try {
    const holder = start('alice');
    const won = await holder.outcome;
    const second = start('bob');
    const lost = await second.outcome;
    const secondResult = await second.child;
    holder.child.kill('SIGKILL');
    await holder.child;
    const third = start('carol');
    const recovered = await third.outcome;
    third.child.kill('SIGKILL');
    await third.child;
    return {
      secondAcquirerExit5: won.startsWith('won ') && lost === `lost ${holder.child.pid}` && secondResult.exitCode === 5,
      recoveredAfterSigkill: recovered === `won ${third.child.pid}`,
    };
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}
