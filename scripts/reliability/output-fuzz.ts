import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { toNodeOutcome } from '../../src/talos/outcome.js';
import {
  classifyError,
  classifyOne,
  isSize,
  type ParseResult,
  parseAlarms,
  parseClientVersion,
  parseLogs,
  parseMembers,
  parseNoOutput,
  parseRecovery,
  parseService,
  parseSize,
  parseSnapshot,
  parseStatus,
} from '../../src/talos/parse/index.js';
import type { CommandResult } from '../../src/talos/talosctl.js';
import { type Rng, rng } from './rng.js';
import { mutateText } from './text-mutations.js';

/**
 * Hostile talosctl output through every parser, classifyError and toNodeOutcome: mutations of the
 * recorded fixtures (stdout and stderr), random tables built from the real column names, and random
 * bytes. A parser may only return its ParseResult; a throw, a malformed result, or a result produced
 * by the neverThrow safety net ("parser failure: …", i.e. a bug the wrapper hid) is counted.
 */

export interface OutputFuzzFigures {
  inputs: number;
  /** parser and classifier calls made (every input goes through every one) */
  calls: number;
  parsedOk: number;
  parseErrors: number;
  uncaught: number;
  /** errors produced by the neverThrow wrapper: an exception inside a parser */
  safetyNetHits: number;
  malformed: number;
  slowestMs: number;
  inputsPerSecond: number;
  samples: string[];
}

const ROOT = new URL('../../fixtures/talosctl/', import.meta.url).pathname;
const CODES = new Set([
  'bad-header',
  'bad-row',
  'bad-value',
  'bad-line',
  'missing-line',
  'unexpected-output',
  'not-text',
]);
const KINDS_SEEN = new Set<string>();

export function seedOutputs(): string[] {
  const out: string[] = [];
  const walk = (d: string): void => {
    for (const e of readdirSync(d)) {
      const p = join(d, e);
      if (statSync(p).isDirectory()) walk(p);
      else if (e === 'stdout.txt' || e === 'stderr.txt') out.push(readFileSync(p, 'utf8'));
    }
  };
  walk(ROOT);
  return out.filter((t) => t !== '');
}

const COLUMNS = [
  'NODE',
  'ID',
  'HOSTNAME',
  'PEER URLS',
  'CLIENT URLS',
  'LEARNER',
  'MEMBER',
  'DB SIZE',
  'IN USE',
  'LEADER',
  'RAFT INDEX',
  'RAFT TERM',
  'RAFT APPLIED INDEX',
  'PROTOCOL',
  'STORAGE',
  'ERRORS',
  'ALARM',
  'SERVICE',
  'STATE',
  'HEALTH',
  'LAST CHANGE',
  'LAST EVENT',
];
const CELLS = [
  '10.5.0.2',
  '127.0.0.11',
  'cp-1',
  '8fa5c0d2e1b34a77',
  'https://10.5.0.2:2380',
  'https://a:1,https://b:2',
  'true',
  'false',
  '21 MB',
  '1.2 GB',
  '0 B',
  '99.9 XB',
  '(50%)',
  '12 MB (57.14%)',
  '3.6.4',
  'NOSPACE',
  'CORRUPT',
  'Running',
  'Preparing',
  'OK',
  '?',
  '<none>',
  'etcdserver: mvcc: database space exceeded',
  '',
  '-1',
  '18446744073709551616',
  'NaN',
  '1e309',
];

function randomTable(r: Rng): string {
  const cols = Array.from({ length: 1 + r.int(12) }, () => r.pick(COLUMNS));
  const rows = [cols, ...Array.from({ length: r.int(6) }, () => cols.map(() => r.pick(CELLS)))];
  const sep = ' '.repeat(1 + r.int(4));
  return `${rows.map((row) => row.join(sep)).join('\n')}${r.chance(0.5) ? '\n' : ''}`;
}

function randomBytes(r: Rng): string {
  return Array.from({ length: r.int(300) }, () =>
    String.fromCharCode(r.chance(0.9) ? r.int(128) : r.int(0x10000)),
  ).join('');
}

type Call = readonly [name: string, run: (text: string) => unknown];

const PARSERS: readonly Call[] = [
  ['parseMembers', parseMembers],
  ['parseStatus', parseStatus],
  ['parseAlarms', parseAlarms],
  ['parseService', parseService],
  ['parseLogs', (t) => parseLogs(t, '10.5.0.2')],
  ['parseNoOutput', parseNoOutput],
  ['parseRecovery', parseRecovery],
  ['parseSnapshot/0', (t) => parseSnapshot(t, 0)],
  ['parseSnapshot/1', (t) => parseSnapshot(t, 1)],
  ['parseClientVersion', parseClientVersion],
  ['parseSize', parseSize],
];

function commandResult(stdout: string, stderr: string, exitCode: number | null): CommandResult {
  return {
    argv: [],
    binary: 'talosctl',
    node: '10.5.0.2',
    pid: 1,
    exitCode,
    signal: exitCode === null ? 'SIGKILL' : null,
    stdout,
    stderr,
    durationMs: 1,
    timedOut: false,
    canceled: false,
  };
}

function wellFormed(raw: string, r: unknown): string | undefined {
  const res = r as ParseResult<unknown>;
  if (typeof res !== 'object' || res === null || typeof res.ok !== 'boolean') return 'not a ParseResult';
  if (res.ok) return 'value' in res ? undefined : 'ok without value';
  const e = res.error;
  if (!CODES.has(e.code)) return `unknown error code ${String(e.code)}`;
  if (typeof e.message !== 'string' || e.message === '') return 'error without message';
  if (e.raw !== raw) return 'error.raw is not the input';
  if (e.line !== undefined && !(Number.isInteger(e.line) && e.line >= 1)) return `bad line ${e.line}`;
  return undefined;
}

function runAll(text: string, other: string, label: string, f: OutputFuzzFigures): void {
  const note = (what: string, name: string, detail: string) => {
    if (f.samples.length < 10)
      f.samples.push(`${what} in ${name} (${label}): ${detail}\n---\n${JSON.stringify(text.slice(0, 600))}`);
  };
  for (const [name, run] of PARSERS) {
    const t0 = performance.now();
    f.calls++;
    try {
      const r = run(text);
      const bad = wellFormed(text, r);
      const res = r as ParseResult<unknown>;
      if (bad !== undefined) {
        f.malformed++;
        note('malformed result', name, bad);
      } else if (!res.ok && res.error.message.startsWith('parser failure:')) {
        f.safetyNetHits++;
        note('exception caught by neverThrow', name, res.error.message);
      } else if (res.ok) f.parsedOk++;
      else f.parseErrors++;
    } catch (e) {
      f.uncaught++;
      note('uncaught', name, e instanceof Error ? (e.stack ?? e.message) : String(e));
    }
    f.slowestMs = Math.max(f.slowestMs, performance.now() - t0);
  }
  const t0 = performance.now();
  for (const [name, run] of [
    ['isSize', (t: string) => isSize(t)],
    ['classifyError', (t: string) => KINDS_SEEN.add(classifyError(t).kind)],
    ['classifyOne', (t: string) => classifyOne(t, 'n1')],
    ['toNodeOutcome/0', (t: string) => toNodeOutcome(commandResult(other, t, 0))],
    ['toNodeOutcome/1', (t: string) => toNodeOutcome(commandResult(t, other, 1))],
    ['toNodeOutcome/signal', (t: string) => toNodeOutcome(commandResult(t, t, null))],
  ] as const) {
    f.calls++;
    try {
      run(text);
    } catch (e) {
      f.uncaught++;
      note('uncaught', name, e instanceof Error ? (e.stack ?? e.message) : String(e));
    }
  }
  f.slowestMs = Math.max(f.slowestMs, performance.now() - t0);
}

const JUNK = [
  'error from node ',
  'rpc error: code = ',
  ' desc = ',
  '\t* ',
  'WARNING: ',
  '2 errors occurred:',
  'Usage:',
  '   ',
  '\n',
];

/** `count` inputs: 60% fixture mutations, 25% random tables, 15% random bytes; replayable by seed. */
export function fuzzTalosctlOutputs(count: number, seed = 1): OutputFuzzFigures {
  const seeds = seedOutputs();
  const f: OutputFuzzFigures = {
    inputs: count,
    calls: 0,
    parsedOk: 0,
    parseErrors: 0,
    uncaught: 0,
    safetyNetHits: 0,
    malformed: 0,
    slowestMs: 0,
    inputsPerSecond: 0,
    samples: [],
  };
  const r = rng(seed);
  const started = performance.now();
  for (let i = 0; i < count; i++) {
    const roll = r.next();
    const other = r.pick(seeds);
    if (roll < 0.6) {
      const m = mutateText(r.pick(seeds), r, [...JUNK, ...CELLS, ...COLUMNS]);
      runAll(m.text, other, `seed ${seed} #${i} ${m.ops.join(',')}`, f);
    } else if (roll < 0.85) runAll(randomTable(r), other, `seed ${seed} #${i} table`, f);
    else runAll(randomBytes(r), other, `seed ${seed} #${i} bytes`, f);
  }
  f.inputsPerSecond = Math.round(count / ((performance.now() - started) / 1000));
  f.slowestMs = Math.round(f.slowestMs);
  return f;
}
