/**
 * The shapes talosctl prints its errors in, read into raw entries (one per failed node, or one
 * for the command), each with the indented lines nested under it. No classification here.
 *
 *   v1.14+ errors.Join:   error from node <n>: <error>            (one line per failed node)
 *   ≤1.13 hashicorp:      [WARNING: |<context>: ]N error(s) occurred:\n\t* <n>: <error>
 *   Talos go-retry:       <context>: N error(s) occurred:\n\t<cause>\n\t<cause>   (no bullets)
 *   nested in a cause:    …desc = failed to leave cluster: 2 error(s) occurred:\n\t<cause>…
 *   reset/reboot --wait:  ◳ watching nodes: [n…]\n    * <n>: <progress or error>   (terminal)
 *                         "<n>": <progress or error>                              (not a terminal)
 * A header is only a header at the start of a line that is not itself an error of a node: a gRPC
 * desc that happens to read "1 error occurred:" opens a nested list, not a new node list.
 */

export interface RawEntry {
  /** the node talosctl names, when it names one */
  node: string | undefined;
  /** the entry's own line (node prefix and `WARNING: ` removed) */
  head: string;
  /** the indented lines under it: the causes of a nested list */
  nested: string[];
  /** ≤1.13 `WARNING:` form: the command still succeeded for other nodes */
  warning: boolean;
}

export interface Progress {
  node: string;
  message: string;
}

export interface Shapes {
  entries: RawEntry[];
  /** reset/reboot --wait: the last progress line of each node that did not end in an error */
  progress: Progress[];
}

// biome-ignore lint/suspicious/noControlCharactersInRegex: the escape sequences are what we remove
const ANSI = /\u001b\[[0-9;?]*[A-Za-z]/g;

/** Plain lines: no colours or cursor moves, no CRs, no cobra usage text (it starts at `Usage:`). */
export function cleanLines(stderr: string): string[] {
  const lines = stderr.replace(ANSI, '').replace(/\r\n?/g, '\n').split('\n');
  const usage = lines.findIndex((l) => /^Usage:\s*$/.test(l));
  return usage >= 0 ? lines.slice(0, usage) : lines;
}

const FROM_NODE = /^error from node (\S+?): (.*)$/;
const HEADER = /^(WARNING: )?(?:(.*?): )?\d+ (?:errors?|error\(s\)) occurred:\s*$/;
const BULLET = /^\s+\* (\S+?): (.*)$/;
const SPINNER = /^\s*(?:[◰◳◲◱]\s*)*watching nodes: \[.*\]\s*$/;
const QUOTED = /^"([^"]+)": (.*)$/;

/** Messages of the --wait tracker that report progress; anything else a node ends with is its error. */
const PROGRESS =
  /^(?:waiting for actor ID|actor ID: |unavailable, retrying\.\.\.|post check passed|events check condition met|phase: |task: |stage: |service: |sequence: (?!.*error: \[))/;

export function isProgress(message: string): boolean {
  return PROGRESS.test(message.trim());
}

/** A plain warning (e.g. server version older than client): not an error. */
const isPlainWarning = (line: string): boolean => /^WARNING: /.test(line) && !/error/i.test(line);

/** Reads the error shapes; never throws on odd input (an unknown line is an entry of its own). */
export function readShapes(stderr: string): Shapes {
  const lines = cleanLines(stderr);
  if (lines.some((l) => SPINNER.test(l) || (QUOTED.test(l) && !FROM_NODE.test(l)))) return readProgress(lines);
  const entries: RawEntry[] = [];
  // a header entry whose bullets became entries of their own is only their container
  const containers = new Set<RawEntry>();
  let group: RawEntry | undefined;
  let current: RawEntry | undefined;
  const push = (e: RawEntry): RawEntry => {
    entries.push(e);
    return e;
  };
  for (const line of lines) {
    if (line.trim() === '') continue;
    const fromNode = FROM_NODE.exec(line);
    if (fromNode !== null) {
      group = undefined;
      current = push({ node: fromNode[1], head: fromNode[2] ?? '', nested: [], warning: false });
      continue;
    }
    const header = /^\S/.test(line) && !/rpc error:/.test(line) ? HEADER.exec(line) : null;
    if (header !== null) {
      const entry = push({ node: undefined, head: line.replace(/^WARNING: /, ''), nested: [], warning: !!header[1] });
      group = entry;
      current = entry;
      continue;
    }
    const bullet = BULLET.exec(line);
    if (bullet !== null && group !== undefined && group.nested.length === 0) {
      containers.add(group);
      current = push({ node: bullet[1], head: bullet[2] ?? '', nested: [], warning: group.warning });
      continue;
    }
    if (/^\s/.test(line) && current !== undefined) {
      current.nested.push(line);
      continue;
    }
    if (isPlainWarning(line)) continue;
    group = undefined;
    const head = line.replace(/^WARNING: /, '');
    current = push({ node: undefined, head, nested: [], warning: head !== line });
  }
  return { entries: entries.filter((e) => !containers.has(e)), progress: [] };
}

/**
 * The --wait tracker's output. In a terminal it redraws a block (spinner line + one bullet per
 * node), so the last block tells each node's state; elsewhere it prints `"<n>": <message>` per
 * update, so each node's last line does. A node's last message is its error unless it is progress.
 */
function readProgress(lines: readonly string[]): Shapes {
  const last = new Map<string, string>();
  const entries: RawEntry[] = [];
  for (const line of lines) {
    if (line.trim() === '') continue;
    if (/^console logs for nodes /.test(line)) break; // --debug: the nodes' kernel logs follow
    if (SPINNER.test(line)) {
      last.clear();
      continue;
    }
    const m = BULLET.exec(line) ?? QUOTED.exec(line);
    if (m !== null) {
      last.set(m[1] ?? '', m[2] ?? '');
      continue;
    }
    if (isPlainWarning(line)) continue;
    if (/^\s/.test(line)) continue; // a wrapped progress line
    entries.push({ node: undefined, head: line.replace(/^WARNING: /, ''), nested: [], warning: false });
  }
  const progress: Progress[] = [];
  for (const [node, message] of last) {
    if (isProgress(message)) progress.push({ node, message });
    else entries.push({ node, head: message.replace(/^error: /, ''), nested: [], warning: false });
  }
  return { entries, progress };
}
