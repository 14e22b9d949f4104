import { colorWanted, type Progress, plainProgress } from './progress.js';
import { askingPrompter, noPrompter, type Prompter, ttyPrompter } from './prompter.js';

/**
 * Which view a run gets: listr2 tasks when it draws on this process's terminal (stdout a TTY,
 * TERM not dumb), plain lines otherwise (pipes, CI logs, tests). The prompter goes with the
 * view: under listr a question is asked inside the live step's task, so the two never fight
 * over the screen. `progress.end` (when present) must be awaited before the summary is written.
 * listr2 (and its inquirer adapter) is loaded only when it will draw: a piped or CI run does not
 * pay for compiling it at start-up.
 */
export interface TerminalView {
  progress: Progress;
  prompter: Prompter;
}

export interface ViewOptions {
  stdout: { write(text: string): unknown; isTTY?: boolean };
  env: NodeJS.ProcessEnv;
  /** someone can answer (stdin a TTY, not CI) */
  interactive: boolean;
  /** tests: answer prompts */
  prompter?: Prompter;
}

export async function terminalView(o: ViewOptions): Promise<TerminalView> {
  const color = colorWanted(o.stdout.isTTY, o.env);
  const drawn = o.stdout === process.stdout && process.stdout.isTTY === true && o.env.TERM !== 'dumb';
  if (drawn) {
    const { listrProgress } = await import('./progress-listr.js');
    const progress = listrProgress({ stdout: process.stdout, stderr: process.stderr, color });
    const prompter = o.prompter ?? (o.interactive ? askingPrompter(true, progress.ask) : noPrompter);
    return { progress, prompter };
  }
  const progress = plainProgress({ write: (t) => o.stdout.write(t), color });
  return { progress, prompter: o.prompter ?? (o.interactive ? ttyPrompter(true) : noPrompter) };
}
