import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Readable } from 'node:stream';
import { Command, CommanderError } from 'commander';
import { onTestFinished } from 'vitest';
import { writeRecord } from '../../src/backup/catalog.js';
import { dirTarget } from '../../src/backup/dir-target.js';
import type { BackupRecord, BackupTarget } from '../../src/backup/record.js';
import { registerBackupMaintenance } from '../../src/cli/commands/backup-maintenance.js';
import { formatError } from '../../src/cli/format-error.js';
import type { CliContext } from '../../src/io/context.js';
import { isTalosDrError } from '../../src/io/errors.js';

/** A directory target in a temp dir (removed after the test), and its path. */
export function tempTarget(): { dir: string; target: BackupTarget } {
  const dir = mkdtempSync(join(tmpdir(), 'tdr-maintenance-'));
  onTestFinished(() => rmSync(dir, { recursive: true, force: true }));
  return { dir, target: dirTarget(dir) };
}

/** Stores records as `backup run` would leave them: object, log, then the entry. */
export async function store(target: BackupTarget, records: readonly BackupRecord[]): Promise<void> {
  for (const r of records) {
    if (r.object) await target.put(r.object.key, Readable.from([Buffer.from(`object of ${r.id}`)]));
    if (r.log) await target.put(r.log, Readable.from([Buffer.from(`{"log":"${r.id}"}\n`)]));
    await writeRecord(target, r);
  }
}

/**
 * Runs `talos-dr backup <args>` in-process as main.ts would: a `backup` group with prune and
 * status, commander errors as exit 2, talos-dr errors printed with their code and exit code.
 */
export async function backupCli(
  args: readonly string[],
  o: { env?: Record<string, string>; cwd?: string } = {},
): Promise<{ code: number; stdout: string; stderr: string }> {
  let stdout = '';
  let stderr = '';
  let code = 0;
  const toOut = (s: string): void => {
    stdout += s;
  };
  const toErr = (s: string): void => {
    stderr += s;
  };
  const ctx: CliContext = {
    stdout: { write: toOut },
    stderr: { write: toErr },
    env: { ...o.env },
    cwd: o.cwd ?? tmpdir(),
    signal: new AbortController().signal,
  };
  const program = new Command('talos-dr').exitOverride().configureOutput({ writeOut: toOut, writeErr: toErr });
  const backup = program.command('backup').exitOverride();
  registerBackupMaintenance(backup, ctx, (c) => {
    code = c;
  });
  for (const sub of backup.commands) sub.exitOverride();
  try {
    await program.parseAsync([...args], { from: 'user' });
  } catch (e) {
    if (e instanceof CommanderError) code = e.exitCode === 0 ? 0 : 2;
    else if (isTalosDrError(e)) {
      stderr += formatError(e);
      code = e.exitCode;
    } else throw e;
  }
  return { code, stdout, stderr };
}
