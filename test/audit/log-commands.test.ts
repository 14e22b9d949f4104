import { mkdtempSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { logKeygen, logReplay, logShow } from '../../src/audit/log-commands.js';
import { Journal } from '../../src/engine/journal.js';
import { isTalosDrError } from '../../src/io/errors.js';
import { memorySink, steppingClock, writeSampleRun } from '../helpers/sample-log.js';

const dir = mkdtempSync(join(tmpdir(), 'tdr-log-commands-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));
const sink = memorySink();
writeSampleRun(Journal.create('unused', { sink, clock: steppingClock() }));
const logFile = join(dir, 'run.jsonl');
writeFileSync(logFile, sink.text());

function io() {
  const o = { stdout: '', stderr: '' };
  return {
    o,
    out: {
      stdout: {
        write: (t: string) => {
          o.stdout += t;
        },
      },
      stderr: {
        write: (t: string) => {
          o.stderr += t;
        },
      },
    },
  };
}

function codeOf(f: () => unknown): string | undefined {
  try {
    f();
  } catch (e) {
    if (isTalosDrError(e)) return `${e.code} ${e.message}`;
    throw e;
  }
  return undefined;
}

describe('log show', () => {
  it('writes the report to stdout, or to --out with one line on stderr', () => {
    const a = io();
    expect(logShow(logFile, { format: 'json' }, a.out)).toBe(0);
    expect(JSON.parse(a.o.stdout)).toBeTypeOf('object');
    const b = io();
    const out = join(dir, 'report.md');
    expect(logShow(logFile, { format: 'md', out }, b.out)).toBe(0);
    expect(b.o.stdout).toBe('');
    expect(b.o.stderr).toBe(`report written to ${out} (${statSync(out).size} bytes)\n`);
    expect(readFileSync(out, 'utf8')).toContain('nospace-recovery');
  });

  it('an unknown format and an unwritable --out are usage errors naming the flag', () => {
    expect(codeOf(() => logShow(logFile, { format: 'pdf' }, io().out))).toBe(
      'TDR_BAD_FORMAT --format "pdf": unknown format',
    );
    expect(
      codeOf(() => logShow(logFile, { format: 'text', out: join(dir, 'no', 'such', 'dir.txt') }, io().out)),
    ).toMatch(/^TDR_USAGE --out .*dir\.txt: cannot write \(ENOENT/);
  });
});

describe('log replay', () => {
  it('warns when the chain is broken and replays what was read; refuses a file with no record', () => {
    const broken = join(dir, 'broken.jsonl');
    writeFileSync(broken, sink.text().replace('"operator":"alice"', '"operator":"mallory"'));
    const a = io();
    logReplay(broken, a.out);
    expect(a.o.stdout.startsWith('warning: the hash chain is broken at record 1: replaying what was read\n')).toBe(
      true,
    );
    const empty = join(dir, 'empty.jsonl');
    writeFileSync(empty, 'not a log\n');
    expect(codeOf(() => logReplay(empty, io().out))).toMatch(/^TDR_LOG_UNREADABLE /);
  });
});

describe('log keygen', () => {
  it('writes a private key only its owner reads, a public key, and says which goes where', () => {
    const a = io();
    expect(logKeygen(join(dir, 'ops'), a.out)).toBe(0);
    expect(statSync(join(dir, 'ops.key')).mode & 0o777).toBe(0o600);
    expect(readFileSync(join(dir, 'ops.pub'), 'utf8')).toMatch(/^-----BEGIN PUBLIC KEY-----/);
    expect(a.o.stdout).toContain(`--key ${join(dir, 'ops.pub')}`);
    expect(a.o.stdout).toMatch(/\nfingerprint: \S+\n$/);
    // never overwrites a key
    expect(codeOf(() => logKeygen(join(dir, 'ops'), io().out))).toMatch(/^TDR_SIGN_KEY_EXISTS /);
  });
});
