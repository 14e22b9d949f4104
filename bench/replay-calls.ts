// The fair baseline of the recovery benchmark (issue #19, 7): the talosctl calls an engine run
// made, taken from its own log, replayed by a shell script in the same order and with the same
// parallelism. Engine time / replay time is then the engine's own cost, not its checks' calls.

export interface Call {
  argv: string[];
  node: string | null;
  startMs: number;
  endMs: number;
}

/** Every talosctl call of a run, from its command-result records (end = record time). */
export function callsOf(logText: string): Call[] {
  const calls: Call[] = [];
  for (const line of logText.split('\n')) {
    if (!line.includes('"command-result"')) continue;
    const rec = JSON.parse(line) as {
      type: string;
      time: string;
      payload: { argv?: string[]; node?: string | null; durationMs?: number; notAsked?: unknown };
    };
    if (rec.type !== 'command-result' || rec.payload.notAsked !== undefined) continue;
    const endMs = Date.parse(rec.time);
    calls.push({
      argv: rec.payload.argv ?? [],
      node: rec.payload.node ?? null,
      startMs: endMs - (rec.payload.durationMs ?? 0),
      endMs,
    });
  }
  return calls.sort((a, b) => a.startMs - b.startMs);
}

/** Calls that ran at the same time, in start order: a call joins a wave it started inside of. */
export function waves(calls: readonly Call[]): Call[][] {
  const out: Call[][] = [];
  let wave: Call[] = [];
  let firstEnd = Number.POSITIVE_INFINITY;
  for (const c of calls) {
    if (wave.length > 0 && c.startMs >= firstEnd) {
      out.push(wave);
      wave = [];
      firstEnd = Number.POSITIVE_INFINITY;
    }
    wave.push(c);
    firstEnd = Math.min(firstEnd, c.endMs);
  }
  if (wave.length > 0) out.push(wave);
  return out;
}

const quote = (s: string): string => `'${s.replaceAll("'", `'\\''`)}'`;

/** A POSIX sh script running each wave's calls in parallel, one wave after the other. */
export function replayScript(talosctl: string, ws: readonly Call[][]): string {
  const line = (c: Call): string => [talosctl, ...(c.node ? ['--nodes', c.node] : []), ...c.argv].map(quote).join(' ');
  const body = ws.map((w) =>
    w.length === 1
      ? `${line(w[0] as Call)} >/dev/null 2>&1`
      : `${w.map((c) => `${line(c)} >/dev/null 2>&1 &`).join('\n')}\nwait`,
  );
  return `#!/bin/sh\n${body.join('\n')}\n`;
}
