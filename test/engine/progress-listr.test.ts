import { PassThrough } from 'node:stream';
import xterm from '@xterm/headless';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { listrProgress } from '../../src/engine/progress-listr.js';
import { terminalView } from '../../src/engine/progress-view.js';
import { askingPrompter, PromptInterrupted } from '../../src/engine/prompter.js';

/** listr's default renderer drawing on a fake TTY, its screen rendered by a headless xterm. */
function tty() {
  const term = new xterm.Terminal({ cols: 120, rows: 60, allowProposedApi: true, convertEol: true });
  let raw = '';
  let parsed = Promise.resolve();
  const stream = {
    isTTY: true,
    columns: 120,
    rows: 60,
    write(chunk: string | Uint8Array): boolean {
      const text = typeof chunk === 'string' ? chunk : Buffer.from(chunk).toString('utf8');
      raw += text;
      parsed = parsed.then(() => new Promise<void>((r) => term.write(text, r)));
      return true;
    },
  };
  const screen = async (): Promise<string> => {
    await parsed;
    const b = term.buffer.active;
    const lines: string[] = [];
    for (let i = 0; i < b.length; i++) lines.push(b.getLine(i)?.translateToString(true) ?? '');
    return lines.join('\n').trimEnd();
  };
  const out = stream as unknown as NodeJS.WriteStream;
  return { out, screen, raw: () => raw };
}

describe('listr progress view', () => {
  // listr picks its renderer by process.stdout.isTTY (the view is only chosen on a TTY); under
  // vitest stdout is a pipe, so say it is a terminal while listr draws on the fake one
  const was = Object.getOwnPropertyDescriptor(process.stdout, 'isTTY');
  beforeEach(() => {
    Object.defineProperty(process.stdout, 'isTTY', { value: true, configurable: true });
  });
  afterEach(() => {
    if (was) Object.defineProperty(process.stdout, 'isTTY', was);
    else Reflect.deleteProperty(process.stdout, 'isTTY');
  });

  it('draws a task per step with its results and checks kept under it after it completes', async () => {
    const t = tty();
    const p = listrProgress({ stdout: t.out, stderr: t.out, color: false, lazy: true });
    p.line('DRY RUN: before any step');
    p.step('pre', 'Check the member', 0);
    p.check('pass', 'member-present: listed by 3 nodes');
    p.step('remove', 'remove', 0);
    p.result(true, '10.5.0.2: ok (0.2s)');
    await p.end({ ok: true });
    p.line('\n■ run success (exit 0)');
    expect(await t.screen()).toBe(
      [
        'DRY RUN: before any step',
        '✔ pre — Check the member',
        '  › ✔ PASS member-present: listed by 3 nodes',
        '✔ remove',
        '  › ✔ 10.5.0.2: ok (0.2s)',
        '',
        '■ run success (exit 0)',
      ].join('\n'),
    );
  });

  it('nests the steps of a foreach under it, one subtask per iteration step, and returns to the top level', async () => {
    const t = tty();
    const p = listrProgress({ stdout: t.out, stderr: t.out, color: false, lazy: true });
    p.step('each-node', 'For each node', 0);
    p.step('reboot', 'Reboot', 1);
    p.result(true, '10.5.0.2: ok');
    p.step('reboot', 'Reboot', 1);
    p.result(true, '10.5.0.3: ok');
    p.step('after', '', 0);
    p.check('pass', 'healthy');
    await p.end({ ok: true });
    expect(await t.screen()).toBe(
      [
        '✔ each-node — For each node',
        '  ✔ reboot — Reboot',
        '    › ✔ 10.5.0.2: ok',
        '  ✔ reboot — Reboot',
        '    › ✔ 10.5.0.3: ok',
        '✔ after',
        '  › ✔ PASS healthy',
      ].join('\n'),
    );
  });

  it('marks a failed step ✖ without ending the list, and a wait that passed on a later poll ✔', async () => {
    const t = tty();
    const p = listrProgress({ stdout: t.out, stderr: t.out, color: false, lazy: true });
    p.step('wait', '', 0);
    p.check('fail', 'healthy: 2 of 3 (poll 1)');
    p.check('pass', 'healthy: 3 of 3 (poll 2)');
    p.step('bad', '', 0);
    p.result(false, '10.5.0.2: exit 1');
    p.step('next', '', 0);
    p.check('unknown', 'no answer');
    await p.end({ ok: false }); // the run ended badly while `next` was open: it is marked too
    const screen = await t.screen();
    expect(screen).toMatch(/^✔ wait$/m);
    expect(screen).toMatch(/^✖ bad$/m);
    expect(screen).toContain('› ✘ 10.5.0.2: exit 1');
    expect(screen).toMatch(/^✖ next$/m);
    expect(screen).toContain('› ? UNKNOWN no answer');
  });

  it('asks inside the live task: the gate text stays above the prompt, the typed answer comes back', async () => {
    const t = tty();
    const keys = new PassThrough();
    const p = listrProgress({ stdout: t.out, stderr: t.out, color: false, lazy: true, stdin: keys });
    const prompter = askingPrompter(true, p.ask);
    p.step('confirm-remove', 'Remove the member', 0);
    p.gate('GATE confirm-remove: Remove the member\n  After it: 2 voter(s) remain');
    const answer = prompter.input('Type f3e2 to approve, or "no" to stop:', new AbortController().signal);
    while (!t.raw().includes('Type f3e2 to approve')) await new Promise((r) => setTimeout(r, 5));
    const asking = await t.screen();
    const gateAt = asking.indexOf('┃ GATE confirm-remove');
    expect(gateAt).toBeGreaterThan(-1);
    expect(asking.indexOf('┃   After it: 2 voter(s) remain')).toBeGreaterThan(gateAt);
    expect(asking.indexOf('? Type f3e2 to approve')).toBeGreaterThan(asking.indexOf('After it'));
    keys.write('f3e2\r');
    expect(await answer).toBe('f3e2');
    await p.end({ ok: true });
    expect(await t.screen()).toContain('› ? Type f3e2 to approve, or "no" to stop: f3e2');
  });

  it('an aborted prompt rejects with PromptInterrupted and the list still ends', async () => {
    const t = tty();
    const p = listrProgress({ stdout: t.out, stderr: t.out, color: false, lazy: true, stdin: new PassThrough() });
    const prompter = askingPrompter(true, p.ask);
    p.step('confirm', '', 0);
    const stop = new AbortController();
    const answer = prompter.input('Type yes to approve:', stop.signal);
    while (!t.raw().includes('Type yes')) await new Promise((r) => setTimeout(r, 5));
    stop.abort();
    await expect(answer).rejects.toBeInstanceOf(PromptInterrupted);
    await p.end({ ok: false });
    expect(await t.screen()).toMatch(/^✖ confirm$/m);
  });
});

describe('terminal view choice', () => {
  it('keeps plain lines when stdout is not this process terminal', async () => {
    let out = '';
    const view = await terminalView({
      stdout: {
        write: (s: string) => {
          out += s;
        },
        isTTY: true,
      },
      env: {},
      interactive: false,
    });
    view.progress.step('pre', '', 0);
    expect(view.progress.end).toBeUndefined();
    expect(out).toBe('\u001b[1m▶\u001b[0m pre\n');
    expect(view.prompter.interactive).toBe(false);
  });
});
