import { execFileSync } from 'node:child_process';
import { closeSync, fsyncSync, mkdirSync, openSync, readFileSync, renameSync, statSync, writeSync } from 'node:fs';
import { homedir, hostname } from 'node:os';
import { join } from 'node:path';
import { makeError } from '../io/errors.js';
import type { AnyRecord } from './log-format.js';

/**
 * Witnesses: what a checkpoint leaves outside the log, so a log cut back to an earlier signed
 * checkpoint is caught. A signature proves who wrote records 1–N; it cannot prove that nothing
 * came after N. At every checkpoint (after its record is on disk) the journal writes a head file
 * in the state directory (atomically: temp file, fsync, rename), and, when the operator asks,
 * sends one line to syslog/journald (`logger`) and POSTs the same head as JSON to a URL.
 * `log verify --witness <head file | state dir>` compares the log with the head file.
 */

export interface WitnessHead {
  v: 1;
  /** the log's absolute path when written */
  log: string;
  /** hash of the log's run-start record: the run's identity (survives moving the file) */
  run: string;
  seq: number;
  hash: string;
  type: string;
  /** the checkpoint's signature, or null in an unsigned run */
  sig: string | null;
  /** the record's time */
  time: string;
  host: string;
}

/** Where the witnesses of this run go, as configured by the operator (flags or environment). */
export interface WitnessConfig {
  /** the head files' directory: <state dir>/heads */
  headsDir: string;
  /** one line per checkpoint to syslog/journald through `logger` */
  syslog: boolean;
  /** POST each head as JSON here */
  url: string | null;
}

/** $TALOS_DR_STATE_DIR, else $XDG_STATE_HOME/talos-dr, else ~/.local/state/talos-dr. */
export function defaultStateDir(env: NodeJS.ProcessEnv = process.env): string {
  if (env.TALOS_DR_STATE_DIR) return env.TALOS_DR_STATE_DIR;
  return join(env.XDG_STATE_HOME || join(env.HOME || homedir(), '.local', 'state'), 'talos-dr');
}

/** The run's witness settings: flags first, then TALOS_DR_WITNESS_SYSLOG=1 / TALOS_DR_WITNESS_URL. */
export function witnessConfig(
  flags: { witnessSyslog?: boolean; witnessUrl?: string },
  env: NodeJS.ProcessEnv,
): WitnessConfig {
  const url = flags.witnessUrl ?? (env.TALOS_DR_WITNESS_URL || undefined);
  if (url !== undefined && !/^https?:\/\/[^\s]+$/.test(url))
    throw makeError('TDR_USAGE', { detail: `--witness-url ${url}: not an http:// or https:// URL` });
  return {
    headsDir: join(defaultStateDir(env), 'heads'),
    syslog: flags.witnessSyslog === true || env.TALOS_DR_WITNESS_SYSLOG === '1',
    url: url ?? null,
  };
}

/** <heads dir>/<first 32 hex digits of the run-start hash>.json */
export function headFileFor(headsDir: string, runHash: string): string {
  return join(headsDir, `${runHash.slice(0, 32)}.json`);
}

/** Called by the journal after each checkpoint record is on disk. */
export interface CheckpointWitness {
  checkpoint(record: AnyRecord, runHash: string): void;
  /** waits (bounded) for the HTTP posts; returns the warnings met so far (never throws) */
  flush(): Promise<string[]>;
}

export function makeWitness(cfg: WitnessConfig, logPath: string): CheckpointWitness {
  const warnings: string[] = [];
  const posts: Promise<void>[] = [];
  const warnOnce = (w: string) => {
    if (!warnings.includes(w)) warnings.push(w);
  };
  return {
    checkpoint(r, runHash) {
      const head: WitnessHead = {
        v: 1,
        log: logPath,
        run: runHash,
        seq: r.seq,
        hash: r.hash,
        type: r.type,
        sig: r.sig ?? null,
        time: r.time,
        host: hostname(),
      };
      try {
        writeAtomically(headFileFor(cfg.headsDir, runHash), `${JSON.stringify(head)}\n`);
      } catch (e) {
        warnOnce(`witness: cannot write the head file in ${cfg.headsDir}: ${e instanceof Error ? e.message : e}`);
      }
      if (cfg.syslog) {
        try {
          execFileSync('logger', ['-t', 'talos-dr', '-p', 'user.notice', syslogLine(head)], {
            timeout: 2_000,
            stdio: 'ignore',
          });
        } catch (e) {
          warnOnce(`witness: logger failed: ${e instanceof Error ? e.message : e}`);
        }
      }
      if (cfg.url !== null) {
        const url = cfg.url;
        posts.push(
          fetch(url, {
            method: 'POST',
            headers: { 'content-type': 'application/json' },
            body: JSON.stringify(head),
            signal: AbortSignal.timeout(5_000),
          }).then(
            (res) => {
              if (!res.ok) warnOnce(`witness: POST ${url} answered ${res.status}`);
            },
            (e: unknown) => warnOnce(`witness: POST ${url} failed: ${e instanceof Error ? e.message : e}`),
          ),
        );
      }
    },
    async flush() {
      await Promise.allSettled(posts.splice(0));
      return [...warnings];
    },
  };
}

/** `talos-dr checkpoint run=<hash> seq=N type=T hash=H log=<path>`: what an auditor greps syslog for. */
export function syslogLine(h: WitnessHead): string {
  return `checkpoint run=${h.run} seq=${h.seq} type=${h.type} hash=${h.hash} log=${h.log}`;
}

function writeAtomically(path: string, content: string): void {
  mkdirSync(join(path, '..'), { recursive: true, mode: 0o700 });
  const tmp = `${path}.${process.pid}.tmp`;
  const fd = openSync(tmp, 'w', 0o600);
  try {
    writeSync(fd, content);
    fsyncSync(fd);
  } finally {
    closeSync(fd);
  }
  renameSync(tmp, path);
}

/**
 * Reads the witness for the run whose run-start hash is `runHash`: `where` is a head file, a heads
 * directory, or a state directory (its heads/). A missing or unreadable witness is exit 2.
 */
export function readWitness(where: string, runHash: string): { path: string; head: WitnessHead } {
  let path = where;
  try {
    if (statSync(where).isDirectory()) {
      const direct = headFileFor(where, runHash);
      const nested = headFileFor(join(where, 'heads'), runHash);
      path = exists(direct) ? direct : nested;
    }
  } catch {
    throw makeError('TDR_FILE_NOT_FOUND', { path: where });
  }
  let raw: string;
  try {
    raw = readFileSync(path, 'utf8');
  } catch {
    throw makeError('TDR_USAGE', {
      detail: `--witness ${where}: no head file for this run (looked for ${path}); the run was made on another machine or with another state directory?`,
    });
  }
  const head = parseHead(raw);
  if (head === undefined) throw makeError('TDR_USAGE', { detail: `--witness ${path}: not a talos-dr head file` });
  if (head.run !== runHash)
    throw makeError('TDR_USAGE', {
      detail: `--witness ${path}: it is the witness of another run (run-start ${head.run.slice(0, 12)}…, this log's is ${runHash.slice(0, 12)}…)`,
    });
  return { path, head };
}

function exists(p: string): boolean {
  try {
    return statSync(p).isFile();
  } catch {
    return false;
  }
}

function parseHead(raw: string): WitnessHead | undefined {
  try {
    const h = JSON.parse(raw) as Partial<WitnessHead>;
    const hex = /^[0-9a-f]{64}$/;
    if (h.v !== 1 || typeof h.seq !== 'number' || !Number.isInteger(h.seq) || h.seq < 1) return undefined;
    if (typeof h.run !== 'string' || !hex.test(h.run) || typeof h.hash !== 'string' || !hex.test(h.hash))
      return undefined;
    return {
      v: 1,
      log: String(h.log ?? '?'),
      run: h.run,
      seq: h.seq,
      hash: h.hash,
      type: String(h.type ?? '?'),
      sig: typeof h.sig === 'string' ? h.sig : null,
      time: String(h.time ?? '?'),
      host: String(h.host ?? '?'),
    };
  } catch {
    return undefined;
  }
}

export type WitnessCheck = { ok: true; note: string } | { ok: false; firstBadSeq: number; reason: string };

/**
 * Compares a verified log with its witness: cut (the witness saw a later record), rewritten (its
 * record differs), or agreeing. `lastCheckpoint` is the seq of the log's last checkpoint: a
 * witness older than it was not updated by a later segment (another machine's state directory).
 */
export function compareWithWitness(
  records: { length: number; at(i: number): AnyRecord | undefined },
  w: WitnessHead,
  lastCheckpoint: number,
): WitnessCheck {
  const n = records.length;
  if (w.seq > n)
    return {
      ok: false,
      firstBadSeq: n + 1,
      reason: `the log is cut: the witness saw record ${w.seq} (${w.type}, hash ${w.hash.slice(0, 12)}…, ${w.time}) but the log ends at record ${n}`,
    };
  const r = records.at(w.seq - 1);
  if (r === undefined || r.hash !== w.hash)
    return {
      ok: false,
      firstBadSeq: w.seq,
      reason: `record ${w.seq} differs from the witness: hash ${r?.hash.slice(0, 12) ?? '?'}… in the log, ${w.hash.slice(0, 12)}… in the witness (the log was rewritten from there)`,
    };
  if (w.seq < lastCheckpoint)
    return {
      ok: true,
      note: `the witness agrees up to record ${w.seq}, but is older than the log's last checkpoint #${lastCheckpoint} (a later segment ran with another state directory or on another machine: ask for its witness)`,
    };
  return { ok: true, note: `the witness agrees: its last checkpoint is record ${w.seq}, as in the log` };
}
