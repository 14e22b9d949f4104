import { readFile, stat } from 'node:fs/promises';
import { isMap, isPair, isScalar, isSeq, LineCounter, type Node, parseAllDocuments } from 'yaml';
import { makeError } from '../io/errors.js';
import { type Diagnostic, makeDiagnostic, type PendingDiagnostic } from './diagnostics.js';
import { allSteps, type Runbook } from './model.js';
import { normalizeRunbook } from './normalize.js';
import { runRules } from './rules.js';
import { type RunbookDoc, RunbookSchema, STEP_KINDS } from './schema.js';
import { describeValue, issuesToDiagnostics, kindsOf } from './schema-issues.js';

/**
 * Text → validated, normalized runbook, or every problem at once with file:line:col.
 * `parseRunbook` is pure; `loadRunbook` only reads the file.
 */

export const MAX_RUNBOOK_BYTES = 1_048_576;
export const MAX_ALIAS_COUNT = 100;

export interface Location {
  line: number;
  col: number;
}

export type ParseResult =
  | {
      ok: true;
      runbook: Runbook;
      warnings: Diagnostic[];
      /** step id → where the step starts, for diagnostics of the compiled machine */
      locations: Record<string, Location>;
      file: string;
    }
  | { ok: false; errors: Diagnostic[]; warnings: Diagnostic[] };

type Path = ReadonlyArray<string | number>;

function locate(root: unknown, lc: LineCounter, path: Path, atKey: boolean): Location {
  let node: unknown = root;
  let pos = 0;
  const take = (n: unknown): void => {
    const range = (n as Node | null)?.range;
    if (range !== undefined && range !== null) pos = range[0];
  };
  take(node);
  for (const [i, p] of path.entries()) {
    if (isMap(node)) {
      const pair = node.items.find((it) => isPair(it) && isScalar(it.key) && it.key.value === p);
      if (pair === undefined) break;
      take(pair.key);
      if (atKey && i === path.length - 1) break;
      if (pair.value !== null) take(pair.value);
      node = pair.value;
    } else if (isSeq(node) && typeof p === 'number' && node.items[p] !== undefined) {
      node = node.items[p];
      take(node);
    } else break;
  }
  const { line, col } = lc.linePos(pos);
  return { line: Math.max(1, line), col: Math.max(1, col) };
}

function precheckSteps(value: unknown, path: Path): PendingDiagnostic[] {
  if (!Array.isArray(value)) return [];
  const out: PendingDiagnostic[] = [];
  value.forEach((step, i) => {
    const at = [...path, i];
    const kinds = kindsOf(step);
    const show = at.map((x, j) => (typeof x === 'number' ? `[${x}]` : j === 0 ? x : `.${x}`)).join('');
    if (kinds.length === 0 && step !== null && typeof step === 'object' && !Array.isArray(step)) {
      out.push(makeDiagnostic('RB1201', { path: show, kinds: [...STEP_KINDS] }, at));
    } else if (kinds.length > 1) out.push(makeDiagnostic('RB1202', { path: show, found: kinds }, at));
    if (kinds.includes('foreach')) out.push(...precheckSteps((step as { steps?: unknown }).steps, [...at, 'steps']));
  });
  return out;
}

/** Parses, validates and normalizes one runbook text. Never throws for bad input. */
export function parseRunbook(text: string, file: string): ParseResult {
  const lc = new LineCounter();
  const finish = (pending: PendingDiagnostic[], root: unknown): { errors: Diagnostic[]; warnings: Diagnostic[] } => {
    const located = pending.map((p): Diagnostic => {
      const { line, col } = locate(root, lc, p.at, p.atKey === true);
      return { file, line, col, code: p.code, severity: p.severity, message: p.message, hint: p.hint };
    });
    located.sort((a, b) => a.line - b.line || a.col - b.col || a.code.localeCompare(b.code));
    const unique = located.filter(
      (d, i) =>
        i === 0 ||
        `${d.line}:${d.col}${d.code}${d.message}` !==
          `${located[i - 1]?.line}:${located[i - 1]?.col}${located[i - 1]?.code}${located[i - 1]?.message}`,
    );
    return {
      errors: unique.filter((d) => d.severity === 'error'),
      warnings: unique.filter((d) => d.severity === 'warning'),
    };
  };
  const bytes = Buffer.byteLength(text, 'utf8');
  if (bytes > MAX_RUNBOOK_BYTES) {
    return { ok: false, ...finish([makeDiagnostic('RB1001', { bytes, limit: MAX_RUNBOOK_BYTES }, [])], undefined) };
  }
  const docs = parseAllDocuments(text, {
    lineCounter: lc,
    keepSourceTokens: true,
    uniqueKeys: true,
    prettyErrors: false,
    // no process warnings on stderr (a collection used as a key): problems are diagnostics only
    logLevel: 'error',
  });
  if (!Array.isArray(docs))
    return { ok: false, ...finish([makeDiagnostic('RB1005', { got: 'nothing' }, [])], undefined) };
  if (docs.length > 1) {
    const second = docs[1]?.contents?.range?.[0] ?? 0;
    const { line, col } = lc.linePos(second);
    const d = makeDiagnostic('RB1006', { count: docs.length }, []);
    return {
      ok: false,
      errors: [{ file, line, col, code: d.code, severity: 'error', message: d.message, hint: d.hint }],
      warnings: [],
    };
  }
  const doc = docs[0];
  if (doc === undefined) return { ok: false, ...finish([makeDiagnostic('RB1005', { got: 'nothing' }, [])], undefined) };
  if (doc.errors.length > 0) {
    const errors = doc.errors.map((e): Diagnostic => {
      const pos = lc.linePos(e.pos[0]);
      const d =
        e.code === 'DUPLICATE_KEY'
          ? makeDiagnostic(
              'RB1003',
              { key: /"([^"]*)"|: (.*)$/.exec(e.message)?.[1] ?? duplicateKeyAt(text, e.pos[0]) },
              [],
            )
          : makeDiagnostic('RB1002', { detail: e.message.split('\n')[0] ?? e.message }, []);
      return { file, line: pos.line, col: pos.col, code: d.code, severity: 'error', message: d.message, hint: d.hint };
    });
    return { ok: false, errors, warnings: [] };
  }
  const root = doc.contents;
  let value: unknown;
  try {
    value = doc.toJS({ maxAliasCount: MAX_ALIAS_COUNT });
  } catch {
    return { ok: false, ...finish([makeDiagnostic('RB1004', { limit: MAX_ALIAS_COUNT }, [])], root) };
  }
  if (value === null || typeof value !== 'object' || Array.isArray(value)) {
    return { ok: false, ...finish([makeDiagnostic('RB1005', { got: describeValue(value) }, [])], root) };
  }
  const pending = precheckSteps((value as { steps?: unknown }).steps, ['steps']);
  const parsed = RunbookSchema.safeParse(value);
  if (!parsed.success) {
    const found = issuesToDiagnostics(parsed.error.issues, value);
    // never "invalid" without a reason: fall back to zod's own words
    if (found.length === 0 && pending.length === 0) {
      const detail = parsed.error.issues[0]?.message ?? 'invalid runbook';
      const at = (parsed.error.issues[0]?.path ?? []).filter((k): k is string | number => typeof k !== 'symbol');
      found.push(makeDiagnostic('RB1105', { path: '(root)', detail }, at));
    }
    pending.push(...found);
  }
  if (pending.some((p) => p.severity === 'error') || !parsed.success) return { ok: false, ...finish(pending, root) };
  const runbook = normalizeRunbook(parsed.data as RunbookDoc);
  const where = (p: Path): string => {
    const { line, col } = locate(root, lc, p, false);
    return `${file}:${line}:${col}`;
  };
  pending.push(...runRules(parsed.data, runbook, where));
  const { errors, warnings } = finish(pending, root);
  if (errors.length > 0) return { ok: false, errors, warnings };
  const locations: Record<string, Location> = {};
  for (const s of allSteps(runbook.steps)) locations[s.id] = locate(root, lc, s.path, false);
  return { ok: true, runbook, warnings, locations, file };
}

function duplicateKeyAt(text: string, pos: number): string {
  return /^[\w-]+/.exec(text.slice(pos))?.[0] ?? '?';
}

/** RB1001 for a file too large to read at all. */
export function tooLarge(file: string, bytes: number): Diagnostic {
  const d = makeDiagnostic('RB1001', { bytes, limit: MAX_RUNBOOK_BYTES }, []);
  return { file, line: 1, col: 1, code: d.code, severity: 'error', message: d.message, hint: d.hint };
}

/** Reads a runbook file and parses it; a missing file is a usage error, bad content is a result. */
export async function loadRunbook(path: string): Promise<ParseResult> {
  const info = await stat(path).catch(() => undefined);
  if (info === undefined || !info.isFile()) throw makeError('TDR_FILE_NOT_FOUND', { path });
  if (info.size > MAX_RUNBOOK_BYTES) return { ok: false, errors: [tooLarge(path, info.size)], warnings: [] };
  return parseRunbook(await readFile(path, 'utf8'), path);
}
