/**
 * The Prompter port: how the engine asks a person something. The TTY implementation uses
 * @inquirer/prompts `input` (the operator types an answer; nothing is pre-filled, so a bare Enter
 * is an empty answer, never a yes). Tests inject a scripted one. A prompt closed by Ctrl-C or
 * the run's abort signal rejects with PromptInterrupted.
 */
export interface Prompter {
  /** false when nobody can answer (stdin not a TTY, or CI=true): gates fail closed */
  readonly interactive: boolean;
  input(message: string, signal: AbortSignal): Promise<string>;
}

/** The operator closed the prompt (Ctrl-C) or the run was interrupted while it was open. */
export class PromptInterrupted extends Error {
  constructor(reason: string) {
    super(reason);
    this.name = 'PromptInterrupted';
  }
}

/** Whether a run may prompt: stdin is a TTY and CI is not set to true. */
export function canPrompt(stdinIsTty: boolean, env: NodeJS.ProcessEnv): boolean {
  const ci = (env.CI ?? '').toLowerCase();
  return stdinIsTty && ci !== 'true' && ci !== '1';
}

/** The terminal prompter: @inquirer/prompts input on stdin/stdout. */
export function ttyPrompter(interactive: boolean): Prompter {
  return askingPrompter(interactive, async (message, signal) => {
    const { input } = await import('@inquirer/prompts');
    return input({ message }, { signal });
  });
}

/**
 * A terminal prompter that asks through `ask` (the listr view asks inside the live step's task).
 * Ctrl-C (ExitPromptError), the run's abort (AbortPromptError) and a closed prompt all become
 * PromptInterrupted, whichever way the question was put.
 */
export function askingPrompter(
  interactive: boolean,
  ask: (message: string, signal: AbortSignal) => Promise<string>,
): Prompter {
  return {
    interactive,
    async input(message, signal) {
      try {
        return await ask(message, signal);
      } catch (e) {
        if (e instanceof PromptInterrupted) throw e;
        const name = e instanceof Error ? e.name : '';
        if (name === 'ExitPromptError' || name === 'AbortPromptError' || signal.aborted) {
          throw new PromptInterrupted(e instanceof Error ? e.message : String(e));
        }
        throw e;
      }
    },
  };
}

/** A prompter with nobody behind it: every gate stops (non-interactive runs). */
export const noPrompter: Prompter = {
  interactive: false,
  input: () => Promise.reject(new PromptInterrupted('no terminal to ask')),
};
