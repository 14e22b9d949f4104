import { neverThrow, type ParseResult, parsed, parseFailure, toLines } from './result.js';

export interface LogLine {
  node: string;
  text: string;
}

/**
 * Parses `talosctl logs <service>`: every line is prefixed `<node>: `. When the node we asked is
 * given, the prefix must be exactly that node (IPv6 addresses contain colons, so no guessing).
 */
export const parseLogs: (stdout: string, node?: string) => ParseResult<LogLine[]> = neverThrow(
  (stdout: string, node?: string) => {
    const out: LogLine[] = [];
    if (stdout.trim() === '') return parsed(out);
    for (const [i, line] of toLines(stdout).entries()) {
      if (line === '') continue;
      if (node !== undefined) {
        if (!line.startsWith(`${node}: `)) {
          return parseFailure('bad-line', `logs: line without the "${node}: " prefix`, stdout, i + 1);
        }
        out.push({ node, text: line.slice(node.length + 2) });
        continue;
      }
      const m = /^([^\s:]+): (.*)$/.exec(line);
      if (m === null) return parseFailure('bad-line', 'logs: line without a "<node>: " prefix', stdout, i + 1);
      out.push({ node: m[1] ?? '', text: m[2] ?? '' });
    }
    return parsed(out);
  },
);
