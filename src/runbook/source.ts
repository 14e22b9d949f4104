import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { getAsset, isSea } from 'node:sea';
import { fileURLToPath } from 'node:url';
import { defaultStateDir } from '../audit/witness.js';
import { makeError } from '../io/errors.js';
import { materializeRunbooks, RUNBOOKS_ASSET } from './embedded.js';

/**
 * Where runbooks come from: a file path, or a built-in name (the package's runbooks/ folder,
 * then ./runbooks of the working directory).
 */

/** The talos-dr package root, found from this module (works from src/ and from dist/chunks/). */
export function packageRoot(): string {
  let dir = dirname(fileURLToPath(import.meta.url));
  for (let i = 0; i < 6; i++) {
    const pkg = join(dir, 'package.json');
    if (existsSync(pkg) && (JSON.parse(readFileSync(pkg, 'utf8')) as { name?: string }).name === 'talos-dr') return dir;
    dir = dirname(dir);
  }
  return process.cwd();
}

export const isRunbookFile = (name: string): boolean => name.endsWith('.yaml') || name.endsWith('.yml');

/** The built-in runbooks' folder: the package's runbooks/, or the single executable's, laid out as files. */
export function builtinRunbookDir(env: NodeJS.ProcessEnv = process.env): string {
  if (!isSea()) return join(packageRoot(), 'runbooks');
  const files = JSON.parse(getAsset(RUNBOOKS_ASSET, 'utf8')) as Record<string, string>;
  return materializeRunbooks(files, defaultStateDir(env));
}

/** The runbook folders searched by name, built-in first, without duplicates. */
export function runbookDirs(cwd: string): string[] {
  const dirs = [builtinRunbookDir(), resolve(cwd, 'runbooks')];
  return [...new Set(dirs)].filter((d) => existsSync(d) && statSync(d).isDirectory());
}

/** Every runbook file in a folder, recursively, sorted. */
export function runbookFilesIn(dir: string): string[] {
  const out: string[] = [];
  for (const entry of readdirSync(dir, { withFileTypes: true })) {
    const p = join(dir, entry.name);
    if (entry.isDirectory()) out.push(...runbookFilesIn(p));
    else if (isRunbookFile(entry.name)) out.push(p);
  }
  return out.sort();
}

/** A `<runbook>` argument → a file path: an existing file, or a known name. */
export function locateRunbook(arg: string, cwd: string): string {
  const asPath = resolve(cwd, arg);
  if (existsSync(asPath) && statSync(asPath).isFile()) return arg;
  const known: string[] = [];
  for (const dir of runbookDirs(cwd)) {
    for (const file of runbookFilesIn(dir)) {
      const name = file.slice(file.lastIndexOf('/') + 1).replace(/\.ya?ml$/, '');
      if (name === arg) return file;
      known.push(name);
    }
  }
  throw makeError('TDR_RUNBOOK_NOT_FOUND', { name: arg, known: [...new Set(known)] });
}
