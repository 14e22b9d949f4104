import { createHash } from 'node:crypto';
import { mkdirSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';

/**
 * The single executable carries the built-in runbooks as one SEA asset (written by
 * scripts/build-sea.mjs) and lays them out as files before use: every reader (list, lint, plan,
 * run, drill) takes a runbook by path, and a run's log names the file it ran, which `resume` and
 * an auditor open later. The folder is named by the content's hash, so it never holds another
 * build's runbooks, and a file found changed is rewritten.
 */

/** The asset's key: JSON `{ "<name>.yaml": "<text>" }`. */
export const RUNBOOKS_ASSET = 'runbooks.json';

const SAFE_NAME = /^[a-z0-9][a-z0-9-]*\.ya?ml$/;

/** Writes `files` under `<root>/builtin-runbooks/<hash>/` (only what differs) and returns that folder. */
export function materializeRunbooks(files: Readonly<Record<string, string>>, root: string): string {
  const entries = Object.entries(files).sort(([a], [b]) => a.localeCompare(b));
  const id = createHash('sha256').update(JSON.stringify(entries)).digest('hex').slice(0, 16);
  const dir = join(root, 'builtin-runbooks', id);
  mkdirSync(dir, { recursive: true });
  for (const [name, text] of entries) {
    // names come from our own build; still, none may point outside the folder
    if (!SAFE_NAME.test(name))
      throw new Error(`embedded runbook name ${JSON.stringify(name)} is not a plain file name`);
    const path = join(dir, name);
    if (readOrNull(path) === text) continue;
    // a whole file or none: a reader never sees half a runbook
    const tmp = `${path}.${process.pid}.tmp`;
    writeFileSync(tmp, text, { mode: 0o444 });
    renameSync(tmp, path);
  }
  return dir;
}

function readOrNull(path: string): string | null {
  try {
    return readFileSync(path, 'utf8');
  } catch {
    return null;
  }
}
