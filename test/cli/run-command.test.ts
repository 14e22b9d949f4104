import { createHash } from 'node:crypto';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import type { ResumeFlags } from '../../src/cli/commands/resume.js';
import type { RunFlags } from '../../src/cli/commands/run.js';
import { resumeCommand, runCommand } from '../../src/cli/run-command.js';
import { Journal } from '../../src/engine/journal.js';
import { isTalosDrError, type TalosDrError } from '../../src/io/errors.js';
import { captureContext } from '../helpers/cli-in-process.js';
import { INVALID_RUNBOOK } from '../helpers/runbook-dir.js';

/**
 * `run` and `resume`: what they refuse before a session starts (no talosctl is ever started here:
 * each case ends at a refusal, and TALOSCTL points nowhere). The sessions themselves are tested
 * by test/engine/ and, as processes, by test/cli/run-commands.test.ts.
 */

const work = mkdtempSync(join(tmpdir(), 'tdr-run-command-'));
afterAll(() => rmSync(work, { recursive: true, force: true }));
const env = { TALOSCTL: '/nonexistent/talosctl' };

async function refusal(f: () => unknown): Promise<TalosDrError> {
  try {
    await f();
  } catch (e) {
    if (isTalosDrError(e)) return e;
    throw e;
  }
  throw new Error('accepted, expected a refusal');
}

const run = (file: string, f: Partial<RunFlags>) =>
  runCommand(file, { param: [], approve: [], ...f }, captureContext({ env, cwd: work }).ctx);
const NODES = ['nodes=127.0.0.11'];

describe('runCommand refusals', () => {
  it('exits 2 on an invalid runbook', async () => {
    expect(await run(INVALID_RUNBOOK, {})).toBe(2);
  });

  it('refuses --replay without --dry-run, before reading the params or the replayed log', async () => {
    const e = await refusal(() => run('health-check', { replay: 'missing.jsonl', param: ['bogus=1'] }));
    expect([e.code, e.message]).toEqual(['TDR_USAGE', '--replay <log> is only for a dry run: add --dry-run']);
  });

  it('refuses an unknown param naming --param', async () => {
    const e = await refusal(() => run('health-check', { param: ['nodes=127.0.0.11', 'x=1'] }));
    expect(e.code).toBe('TDR_BAD_PARAM');
  });

  it('refuses a replayed log that is not there, naming it', async () => {
    const e = await refusal(() => run('health-check', { param: NODES, dryRun: true, replay: 'missing.jsonl' }));
    expect([e.code, e.message]).toEqual(['TDR_FILE_NOT_FOUND', `${resolve(work, 'missing.jsonl')}: no such file`]);
  });

  it('refuses a replayed log whose chain is broken', async () => {
    const log = join(work, 'tampered.jsonl');
    const lines = readFileSync('fixtures/logs/nospace-recovery.jsonl', 'utf8').split('\n');
    lines[1] = (lines[1] ?? '').replace('"require-nospace"', '"require-nothing"');
    writeFileSync(log, lines.join('\n'));
    const e = await refusal(() => run('health-check', { param: NODES, dryRun: true, replay: log }));
    expect(e.code).toBe('TDR_LOG_TAMPERED');
  });

  it.each(['999ms', '0', '10m1s', '30', 'soon'])('refuses --read-timeout %j: 1s to 10m', async (t) => {
    const e = await refusal(() => run('health-check', { param: NODES, readTimeout: t }));
    expect(e.message).toBe(`--read-timeout ${JSON.stringify(t)}: a duration from 1s to 10m, e.g. 30s`);
  });

  it.each(['1s', '10m'])('takes --read-timeout %s (the next check, the signing key, is what stops it)', async (t) => {
    const e = await refusal(() => run('health-check', { param: NODES, readTimeout: t, signKey: 'no.key' }));
    expect(e.code).toBe('TDR_SIGN_KEY_MISSING');
  });
});

/** A log that stopped at a gate, as resume finds it: one run-start (no run-end). */
function stoppedLog(name: string, start: { dryRun?: boolean; runbookSha256?: string } = {}): string {
  const path = join(work, name);
  const j = Journal.create(path);
  const runbook = resolve('runbooks/health-check.yaml');
  j.append('run-start', {
    runbook,
    runbookSha256: start.runbookSha256 ?? createHash('sha256').update(readFileSync(runbook)).digest('hex'),
    params: { nodes: ['127.0.0.11'], members: 3, maxSpread: 100 },
    operator: 'alice',
    host: 'bastion-1',
    toolVersion: '0.1.0',
    talosctlVersion: null,
    dryRun: start.dryRun ?? false,
    target: {
      talosctl: '/nonexistent/talosctl',
      talosconfig: null,
      context: 'prod',
      endpoints: ['10.0.0.2', '10.0.0.3'],
    },
  });
  j.close();
  return name;
}

const resume = (log: string, f: Partial<ResumeFlags> = {}) =>
  resumeCommand(log, { approve: [], ...f }, captureContext({ env, cwd: work }).ctx);

describe('resumeCommand refusals', () => {
  it('refuses a log that is not there, naming it as typed', async () => {
    const e = await refusal(() => resume('gone.jsonl'));
    expect([e.code, e.message]).toEqual(['TDR_FILE_NOT_FOUND', 'gone.jsonl: no such file']);
  });

  it('refuses the log of a dry run', async () => {
    const e = await refusal(() => resume(stoppedLog('dry.jsonl', { dryRun: true })));
    expect(e.code).toBe('TDR_RESUME_REFUSED');
    expect(e.message).toContain('it is the log of a dry run');
  });

  it('refuses when the runbook changed since the run started', async () => {
    const e = await refusal(() => resume(stoppedLog('changed.jsonl', { runbookSha256: 'ab'.repeat(32) })));
    expect(e.code).toBe('TDR_RESUME_CHANGED');
  });

  it('refuses another context or other endpoints without --retarget, naming each and what the log records', async () => {
    const log = stoppedLog('target.jsonl');
    const e = await refusal(() => resume(log, { context: 'staging', endpoints: '10.0.0.9' }));
    expect(e.code).toBe('TDR_RESUME_TARGET_CHANGED');
    expect(e.message).toContain(
      '--context staging (the log records prod); --endpoints 10.0.0.9 (the log records 10.0.0.2,10.0.0.3)',
    );
  });

  it('takes the recorded endpoints however spaced; the read-timeout check after it is what stops it', async () => {
    const log = stoppedLog('same.jsonl');
    const e = await refusal(() =>
      resume(log, { endpoints: ' 10.0.0.2 , 10.0.0.3,', context: 'prod', readTimeout: '0' }),
    );
    expect(e.message).toMatch(/^--read-timeout "0": /);
  });

  it('with --retarget goes past another target (to the read-timeout check here)', async () => {
    const log = stoppedLog('retarget.jsonl');
    const e = await refusal(() => resume(log, { context: 'staging', retarget: true, readTimeout: '0' }));
    expect(e.message).toMatch(/^--read-timeout "0": /);
  });
});
