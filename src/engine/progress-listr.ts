import { ListrInquirerPromptAdapter } from '@listr2/prompt-adapter-inquirer';
import {
  LISTR_DEFAULT_RENDERER_STYLE,
  Listr,
  type ListrDefaultRenderer,
  type ListrDefaultRendererLogLevels,
  ListrLogger,
  type ListrSimpleRenderer,
  type ListrTask,
  type ListrTaskWrapper,
  type LoggerFormat,
  ProcessOutput,
} from 'listr2';
import { type Progress, VERDICT_MARKS } from './progress.js';
import { PromptInterrupted } from './prompter.js';

/**
 * The run drawn by listr2 on a terminal: a task per step (`id — title`), the steps inside a
 * foreach as its subtasks, each node result and check verdict kept as the task's output after it
 * completes. The view subscribes, it never drives: the engine's Progress calls push into a model
 * and a loop mirrors that model into listr, one task list per top-level step (committed to the
 * scrollback when the next step starts, so only the live step is redrawn). A step's task ends
 * when the next step starts or the run ends. A failed step throws inside its own task with
 * exitOnError off: listr marks it ✖ and carries on; the engine alone decides the run's fate.
 */

type Ctx = Record<string, unknown>;
type Wrapper = ListrTaskWrapper<Ctx, ListrDefaultRenderer, ListrSimpleRenderer>;
type Task = ListrTask<Ctx, ListrDefaultRenderer, ListrSimpleRenderer>;

export interface ListrProgressOptions {
  /** the terminal listr draws on (process.stdout in a run) */
  stdout: NodeJS.WriteStream;
  stderr: NodeJS.WriteStream;
  color: boolean;
  /** tests: where prompts read keys (default process.stdin) */
  stdin?: NodeJS.ReadableStream;
  /** tests: redraw only on events, no spinner timer */
  lazy?: boolean;
}

/** The listr view: a Progress that must be ended, and a way to ask inside the live step's task. */
export interface ListrProgress extends Progress {
  end(outcome?: { ok: boolean }): Promise<void>;
  /** ask in the current step's task through the listr2 inquirer adapter (the gate text stays above) */
  ask(message: string, signal: AbortSignal): Promise<string>;
}

/** A one-reader queue whose reader waits for the next item or the close. */
class Queue<T> {
  private readonly items: T[] = [];
  private closed = false;
  private wake: (() => void) | undefined;
  push(item: T): void {
    this.items.push(item);
    this.wake?.();
  }
  close(): void {
    this.closed = true;
    this.wake?.();
  }
  async next(): Promise<T | undefined> {
    while (this.items.length === 0 && !this.closed) {
      await new Promise<void>((resolve) => {
        this.wake = resolve;
      });
    }
    return this.items.shift();
  }
}

function deferred<T>(): { promise: Promise<T>; resolve: (value: T) => void } {
  let resolve: (value: T) => void = () => {};
  const promise = new Promise<T>((r) => {
    resolve = r;
  });
  return { promise, resolve };
}

/** One announced step as the view knows it, whether or not listr has started its task yet. */
class StepView {
  readonly lines: string[] = [];
  failed = false;
  hasChildren = false;
  readonly children = new Queue<StepView>();
  readonly attached = deferred<Wrapper>();
  readonly done = deferred<void>();
  readonly firstChild = deferred<void>();
  private task: Wrapper | undefined;
  readonly title: string;
  readonly depth: number;
  constructor(title: string, depth: number) {
    this.title = title;
    this.depth = depth;
  }
  write(line: string): void {
    this.lines.push(line);
    if (this.task) this.task.output = line;
  }
  attach(task: Wrapper): void {
    this.task = task;
    for (const line of this.lines) task.output = line;
    this.attached.resolve(task);
  }
  adopt(child: StepView): void {
    this.hasChildren = true;
    this.children.push(child);
    this.firstChild.resolve();
  }
  finish(): void {
    this.children.close();
    this.done.resolve();
  }
}

const KEEP_OUTPUT = { outputBar: Number.POSITIVE_INFINITY, persistentOutput: true };

function stepTask(s: StepView): Task {
  return {
    title: s.title,
    rendererOptions: KEEP_OUTPUT,
    task: async (_ctx, task) => {
      s.attach(task);
      await Promise.race([s.done.promise, s.firstChild.promise]);
      if (s.hasChildren) return task.newListr([follow(s.children)], { exitOnError: false });
      // thrown inside the task with exitOnError off: listr only marks it ✖
      if (s.failed) throw new Error(s.title);
      return undefined;
    },
  };
}

/** An untitled task that becomes the next step (drawn at the same level) and its follower. */
function follow(queue: Queue<StepView>): Task {
  return {
    task: async (_ctx, task) => {
      const s = await queue.next();
      if (s === undefined) return undefined;
      return task.newListr([stepTask(s), follow(queue)], { exitOnError: false });
    },
  };
}

const plain: LoggerFormat = (message) => message ?? '';

/** listr's colours (colorette, which honours NO_COLOR); none at all when the run wants none. */
function colors(on: boolean): Partial<Record<ListrDefaultRendererLogLevels, LoggerFormat>> | undefined {
  if (on) return undefined;
  const levels = Object.keys(LISTR_DEFAULT_RENDERER_STYLE.color ?? {}) as ListrDefaultRendererLogLevels[];
  return Object.fromEntries(levels.map((level) => [level, plain]));
}

export function listrProgress(o: ListrProgressOptions): ListrProgress {
  const roots = new Queue<StepView>();
  const open: StepView[] = [];
  const color = colors(o.color);
  const loop = (async () => {
    for (let s = await roots.next(); s !== undefined; s = await roots.next()) {
      const list = new Listr<Ctx, 'default', 'simple'>([stepTask(s)], {
        renderer: 'default',
        exitOnError: false,
        registerSignalListeners: false, // Ctrl-C belongs to the engine (exit 130, resumable log)
        rendererOptions: {
          collapseSubtasks: false,
          lazy: o.lazy ?? false,
          logger: new ListrLogger({ processOutput: new ProcessOutput(o.stdout, o.stderr), useIcons: true }),
          ...(color ? { color } : {}),
        },
      });
      try {
        await list.run();
      } catch {
        // listr must not end the run: the engine decides it, and the log says what happened
      }
    }
  })();
  const current = (): StepView | undefined => open.at(-1);
  const closeTo = (depth: number): void => {
    for (let s = current(); s !== undefined && s.depth >= depth; s = current()) {
      open.pop();
      s.finish();
    }
  };
  const write = (text: string): void => {
    const s = current();
    if (s)
      s.write(text.replace(/^\n+/, '')); // listr drops empty output lines anyway
    else o.stdout.write(`${text}\n`);
  };
  return {
    step(stepId, title, depth) {
      closeTo(depth);
      const s = new StepView(title && title !== stepId ? `${stepId} — ${title}` : stepId, depth);
      const parent = current();
      if (parent) parent.adopt(s);
      else roots.push(s);
      open.push(s);
    },
    result(ok, text) {
      const s = current();
      if (s) s.failed = !ok;
      write(`${ok ? '✔' : '✘'} ${text}`);
    },
    check(verdict, text) {
      const s = current();
      if (s) s.failed = verdict === 'fail';
      write(`${VERDICT_MARKS[verdict][1]} ${text}`);
    },
    gate(text) {
      write(
        text
          .split('\n')
          .map((l) => `┃ ${l}`)
          .join('\n'),
      );
    },
    line(text) {
      write(text);
    },
    async end(outcome) {
      const s = current();
      if (s && outcome?.ok === false) s.failed = true;
      closeTo(Number.NEGATIVE_INFINITY);
      roots.close();
      await loop;
    },
    async ask(message, signal) {
      const s = current();
      if (s === undefined) throw new PromptInterrupted('no step is running to ask in');
      const task = await untilAborted(s.attached.promise, signal);
      const { input } = await import('@inquirer/prompts');
      const answer = await task
        .prompt(ListrInquirerPromptAdapter)
        .run(input, { message }, { signal, ...(o.stdin ? { input: o.stdin } : {}) });
      s.write(`? ${message} ${answer}`); // the answered prompt stays on screen, as in the plain view
      return answer;
    },
  };
}

function untilAborted<T>(p: Promise<T>, signal: AbortSignal): Promise<T> {
  if (signal.aborted) return Promise.reject(new PromptInterrupted('interrupted'));
  return new Promise<T>((resolve, reject) => {
    const onAbort = (): void => reject(new PromptInterrupted('interrupted'));
    signal.addEventListener('abort', onAbort, { once: true });
    p.then(
      (v) => {
        signal.removeEventListener('abort', onAbort);
        resolve(v);
      },
      (e: unknown) => {
        signal.removeEventListener('abort', onAbort);
        reject(e);
      },
    );
  });
}
