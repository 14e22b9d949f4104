/**
 * The run as a responder reads it: one plain line per step start, result, check verdict and
 * gate, written to the terminal as it happens. Colour only on a TTY and never with NO_COLOR.
 */
import { type RunLine, runLine, type ShownVerdict } from '../io/run-messages.js';
import type { RunEvent } from './events.js';

export type { ShownVerdict };

/** What a view draws: the kinds of line run-messages.ts words the run's events as. */
export interface Progress {
  step(stepId: string, title: string, depth: number): void;
  result(ok: boolean, text: string): void;
  check(verdict: ShownVerdict, text: string): void;
  gate(text: string): void;
  line(text: string): void;
  /** a drawn view (listr) finishes here; awaited before the run's summary line is written */
  end?(outcome?: { ok: boolean }): Promise<void>;
}

export interface ProgressOptions {
  write(text: string): void;
  color: boolean;
}

/** Colour and words of each shown verdict: red only for a real failure. */
export const VERDICT_MARKS: Readonly<Record<ShownVerdict, readonly [string, string]>> = {
  pass: ['32', '✔ PASS'],
  fail: ['31', '✘ FAIL'],
  unknown: ['33', '? UNKNOWN'],
  assumed: ['36', '~ ASSUMED'],
  yes: ['36', '↳ yes'],
  no: ['36', '↳ no'],
  waiting: ['33', '… waiting'],
};

const paint = (on: boolean, code: string, s: string): string => (on ? `\u001b[${code}m${s}\u001b[0m` : s);

export function colorWanted(isTty: boolean | undefined, env: NodeJS.ProcessEnv): boolean {
  return isTty === true && (env.NO_COLOR === undefined || env.NO_COLOR === '') && env.TERM !== 'dumb';
}

export function plainProgress(o: ProgressOptions): Progress {
  let depth = 0;
  const pad = (): string => '  '.repeat(depth);
  return {
    step(stepId, title, d) {
      depth = d;
      o.write(`${pad()}${paint(o.color, '1', '▶')} ${stepId}${title && title !== stepId ? ` — ${title}` : ''}\n`);
    },
    result(ok, text) {
      o.write(`${pad()}  ${ok ? paint(o.color, '32', '✔') : paint(o.color, '31', '✘')} ${text}\n`);
    },
    check(verdict, text) {
      const [code, word] = VERDICT_MARKS[verdict];
      o.write(`${pad()}  ${paint(o.color, code, word)} ${text}\n`);
    },
    gate(text) {
      const bar = paint(o.color, '33', '┃');
      o.write(
        `\n${text
          .split('\n')
          .map((l) => `${bar} ${l}`)
          .join('\n')}\n`,
      );
    },
    line(text) {
      o.write(`${pad()}${text}\n`);
    },
  };
}

/**
 * A view as a subscriber of the run's events: each event is worded by run-messages.ts and drawn
 * by the view. The views never see the engine, only these lines.
 */
export function renderTo(progress: Progress): (event: RunEvent) => void {
  return (event) => {
    const l = runLine(event);
    if (l !== undefined) drawLine(progress, l);
  };
}

function drawLine(p: Progress, l: RunLine): void {
  if (l.kind === 'step') p.step(l.stepId, l.title, l.depth);
  else if (l.kind === 'result') p.result(l.ok, l.text);
  else if (l.kind === 'check') p.check(l.verdict, l.text);
  else if (l.kind === 'gate') p.gate(l.text);
  else p.line(l.text);
}

/** The plain view's text for a recorded list of events: what a piped run prints, exactly. */
export function renderPlain(events: readonly RunEvent[], color = false): string {
  let out = '';
  const render = renderTo(
    plainProgress({
      write: (t) => {
        out += t;
      },
      color,
    }),
  );
  for (const e of events) render(e);
  return out;
}
