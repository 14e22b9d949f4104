/**
 * `talosctl get … -o json` prints a stream of indented JSON objects, not an array
 * (talosctl-reference §1). Splits it into the objects; text between them that is not an object
 * is returned as `junk` so a parser can refuse it instead of skipping it silently.
 */
export function splitJsonStream(stdout: string): { objects: unknown[]; junk: string[] } {
  const objects: unknown[] = [];
  const junk: string[] = [];
  let depth = 0;
  let start = -1;
  let last = 0;
  let inString = false;
  for (let i = 0; i < stdout.length; i++) {
    const c = stdout[i];
    if (inString) {
      if (c === '\\') i++;
      else if (c === '"') inString = false;
      continue;
    }
    if (c === '"' && depth > 0) inString = true;
    else if (c === '{') {
      if (depth === 0) {
        start = i;
        if (stdout.slice(last, i).trim() !== '') junk.push(stdout.slice(last, i).trim());
      }
      depth++;
    } else if (c === '}' && depth > 0) {
      depth--;
      if (depth === 0 && start >= 0) {
        const text = stdout.slice(start, i + 1);
        try {
          objects.push(JSON.parse(text));
        } catch {
          junk.push(text);
        }
        start = -1;
        last = i + 1;
      }
    }
  }
  const tail = depth > 0 && start >= 0 ? stdout.slice(start) : stdout.slice(last);
  if (tail.trim() !== '') junk.push(tail.trim());
  return { objects, junk };
}
