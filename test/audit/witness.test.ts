import { chmodSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it, onTestFinished } from 'vitest';
import {
  defaultStateDir,
  headFileFor,
  makeWitness,
  readWitness,
  syslogLine,
  witnessConfig,
} from '../../src/audit/witness.js';
import { Journal } from '../../src/engine/journal.js';
import { isTalosDrError } from '../../src/io/errors.js';
import { steppingClock, writeSampleRun } from '../helpers/sample-log.js';

describe('checkpoint witnesses', () => {
  it('writes the head file at every checkpoint, atomically, and sends syslog lines and HTTP POSTs when asked', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'tdr-witness-'));
    // a stand-in `logger` on PATH records its argv
    const bin = join(dir, 'bin');
    const said = join(dir, 'logger.txt');
    mkdirSync(bin);
    writeFileSync(join(bin, 'logger'), `#!/bin/sh\nprintf '%s|' "$@" >> ${said}\necho >> ${said}\n`);
    chmodSync(join(bin, 'logger'), 0o755);
    const path = process.env.PATH;
    process.env.PATH = `${bin}:${path}`;
    onTestFinished(() => {
      process.env.PATH = path;
    });
    const posts: string[] = [];
    const server = createServer((req, res) => {
      let body = '';
      req.on('data', (d: Buffer) => {
        body += d.toString();
      });
      req.on('end', () => {
        posts.push(body);
        res.end('ok');
      });
    });
    await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
    onTestFinished(() => new Promise<void>((r) => server.close(() => r())));
    const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/heads`;
    const cfg = witnessConfig({ witnessSyslog: true, witnessUrl: url }, { TALOS_DR_STATE_DIR: join(dir, 'state') });
    expect(cfg).toEqual({ headsDir: join(dir, 'state', 'heads'), syslog: true, url });
    const log = join(dir, 'run.jsonl');
    const w = makeWitness(cfg, log);
    const j = Journal.create(log, { clock: steppingClock(), witness: w });
    writeSampleRun(j);
    j.close();
    expect(await w.flush()).toEqual([]);
    const records = readFileSync(log, 'utf8').trimEnd().split('\n');
    const first = JSON.parse(records[0] as string) as { hash: string };
    const last = JSON.parse(records.at(-1) as string) as { hash: string; seq: number };
    const head = readWitness(join(dir, 'state'), first.hash).head;
    expect(head).toMatchObject({
      v: 1,
      log,
      run: first.hash,
      seq: last.seq,
      hash: last.hash,
      type: 'run-end',
      sig: null,
    });
    expect(readdirSync(cfg.headsDir)).toEqual([`${first.hash.slice(0, 32)}.json`]); // no temp file left
    // one line and one POST per checkpoint (unsigned run: run-start, approvals, run-end)
    const lines = readFileSync(said, 'utf8').trim().split('\n');
    expect(lines.length).toBe(posts.length);
    expect(lines.at(-1)).toBe(`-t|talos-dr|-p|user.notice|${syslogLine(head)}|`);
    expect(JSON.parse(posts.at(-1) as string)).toEqual(head);
  });

  it('a witness that cannot be reached is a warning, never a stop', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'tdr-witness-'));
    const w = makeWitness({ headsDir: join(dir, 'heads'), syslog: false, url: 'http://127.0.0.1:1/x' }, 'x.jsonl');
    const j = Journal.create(join(dir, 'x.jsonl'), { clock: steppingClock(), witness: w });
    writeSampleRun(j);
    j.close();
    const warnings = await w.flush();
    expect(warnings).toHaveLength(1);
    expect(warnings[0]).toMatch(/^witness: POST http:\/\/127\.0\.0\.1:1\/x failed/);
  });

  it('reads a witness by file, heads dir or state dir; another run or a missing one is exit 2 naming it', () => {
    const dir = mkdtempSync(join(tmpdir(), 'tdr-witness-'));
    const run = 'a'.repeat(64);
    const heads = join(dir, 'heads');
    const w = makeWitness({ headsDir: heads, syslog: false, url: null }, 'l.jsonl');
    w.checkpoint(
      {
        v: 1,
        seq: 3,
        time: 't',
        type: 'run-end',
        payload: { outcome: 'success', exitCode: 0 },
        prev: '',
        hash: 'b'.repeat(64),
      },
      run,
    );
    for (const where of [dir, heads, headFileFor(heads, run)]) expect(readWitness(where, run).head.seq).toBe(3);
    for (const [where, id, text] of [
      [dir, 'c'.repeat(64), 'no head file for this run'],
      [headFileFor(heads, run), 'c'.repeat(64), 'it is the witness of another run'],
      [join(dir, 'nope'), run, 'nope'],
    ] as const) {
      try {
        readWitness(where, id);
        expect.unreachable();
      } catch (e) {
        expect(isTalosDrError(e) && e.exitCode).toBe(2);
        expect(String((e as Error).message)).toContain(text);
      }
    }
    expect(defaultStateDir({ HOME: '/h' })).toBe('/h/.local/state/talos-dr');
    expect(() => witnessConfig({ witnessUrl: 'file:///etc/passwd' }, {})).toThrow('not an http:// or https:// URL');
  });
});
