import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { runCli } from '../helpers/run-cli.js';
import { forged, rechain, recordsOf } from '../helpers/signed-segments.js';

/**
 * The review's two attacks, end to end through the CLI: a signed run stopped at the gate, resumed
 * to remove... (here: disarm) and then cut back to its first run-end; and an unsigned forged
 * deviation appended after the sealed run-end, then `resume --sign-key`.
 */

const STAND_IN = fileURLToPath(new URL('../../fixtures/bin/record-talosctl.mjs', import.meta.url));

async function signedRun() {
  const dir = mkdtempSync(join(tmpdir(), 'tdr-signed-attacks-'));
  const rec = join(dir, 'argv.jsonl');
  writeFileSync(rec, '');
  const state = join(dir, 'state');
  const env = { RECORD_ARGV: rec, CI: 'true', TALOS_DR_STATE_DIR: state, RECORD_CLUSTER_ID: `attacks-${dir}` };
  const key = join(dir, 'ops');
  expect((await runCli(['log', 'keygen', '--out', key])).code).toBe(0);
  const log = join(dir, 'run.jsonl');
  const run = ['run', 'nospace-recovery', '--param', 'nodes=10.5.0.2,10.5.0.3,10.5.0.4', '--talosctl', STAND_IN];
  const r = await runCli([...run, '--log', log, '--sign-key', `${key}.key`], { env });
  expect(r.code).toBe(3);
  return { dir, env, key, log, state };
}

describe('attacks on signed logs through the CLI', () => {
  it('a log cut back to the gate stop after its resume: "a later resume may exist"; the witness catches it; resume refuses it', async () => {
    const s = await signedRun();
    const firstEnd = readFileSync(s.log, 'utf8');
    const resumed = await runCli(['resume', s.log, '--approve', 'confirm-disarm', '--sign-key', `${s.key}.key`], {
      env: s.env,
    });
    expect(resumed.code).toBe(0);
    const full = await runCli(['log', 'verify', s.log, '--key', `${s.key}.pub`, '--witness', s.state]);
    expect(full.code, full.stdout).toBe(0);
    expect(full.stdout).toContain('segments: 2 (the run and 1 resume(s))');
    expect(full.stdout).toMatch(/ends at a final outcome: run-end #\d+ success \(exit 0\)/);
    expect(full.stdout).toContain('the witness agrees');

    writeFileSync(s.log, firstEnd); // cut back to the first (signed) run-end
    const cut = await runCli(['log', 'verify', s.log, '--key', `${s.key}.pub`]);
    expect(cut.code).toBe(0);
    expect(cut.stdout).toMatch(
      /ends at a resumable stop: run-end #\d+ stopped-at-gate \(exit 3\); a later resume may exist/,
    );
    expect(cut.stdout).toContain('a signature cannot show that nothing came after record');
    const witnessed = await runCli(['log', 'verify', s.log, '--key', `${s.key}.pub`, '--witness', s.state]);
    expect(witnessed.code).toBe(1);
    expect(witnessed.stdout).toMatch(
      /log cut or rewritten \(witness .*\): record \d+: the log is cut: the witness saw record \d+/,
    );
    const again = await runCli(['resume', s.log, '--approve', 'confirm-disarm', '--sign-key', `${s.key}.key`], {
      env: s.env,
    });
    expect(again.code).toBe(1);
    expect(again.stderr).toContain('cannot resume: record');
    expect(again.stderr).toContain('the log is cut');
  }, 60_000);

  it('a forged unsigned deviation after the sealed run-end: verify fails with and without --key, resume --sign-key refuses it', async () => {
    const s = await signedRun();
    const records = recordsOf(readFileSync(s.log, 'utf8'));
    writeFileSync(s.log, rechain([...records, forged('override')]));
    const n = records.length + 1;
    for (const args of [[], ['--key', `${s.key}.pub`]]) {
      const v = await runCli(['log', 'verify', s.log, ...args]);
      expect(v.code).toBe(1);
      expect(v.stdout).toContain(`record ${n}: deviation follows the run-end #${n - 1} but is not a resume record`);
    }
    // the auditor's report flags it too, instead of listing the forged override as a deviation
    const show = await runCli(['log', 'show', s.log]);
    expect(show.stdout).toMatch(new RegExp(`Chain +TAMPERED: record ${n}`));
    const r = await runCli(['resume', s.log, '--approve', 'confirm-disarm', '--sign-key', `${s.key}.key`], {
      env: s.env,
    });
    expect(r.code).toBe(1);
    expect(r.stderr).toContain(`record ${n} (line ${n}): deviation follows the run-end`);
    // forged as a resume record instead: it carries no signature, and every resume record must
    writeFileSync(s.log, rechain([...records, forged('resume')]));
    const fr = await runCli(['resume', s.log, '--approve', 'confirm-disarm', '--sign-key', `${s.key}.key`], {
      env: s.env,
    });
    expect(fr.code).toBe(1);
    expect(fr.stderr).toContain(
      `record ${n} (line ${n}): deviation is a checkpoint of a signed run but carries no signature`,
    );
    // --accept-unsigned-tail does not launder it either: the structure and signatures come first
    const acc = await runCli(
      ['resume', s.log, '--approve', 'confirm-disarm', '--sign-key', `${s.key}.key`, '--accept-unsigned-tail'],
      { env: s.env },
    );
    expect(acc.code).toBe(1);
  }, 60_000);
});
