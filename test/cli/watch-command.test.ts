import { describe, expect, it } from 'vitest';
import type { WatchFlags } from '../../src/cli/commands/watch.js';
import { watchCommand } from '../../src/cli/watch-command.js';
import { isTalosDrError, type TalosDrError } from '../../src/io/errors.js';
import { captureContext } from '../helpers/cli-in-process.js';

/**
 * `watch`'s own flags, each refused (exit 2, naming it) before any round starts: no talosctl is
 * started here (TALOSCTL points nowhere; every case ends at a refusal). Its rounds run against a
 * stand-in talosctl in test/triage/watch.test.ts (a process suite).
 */

async function refusal(f: () => unknown): Promise<TalosDrError> {
  try {
    await f();
  } catch (e) {
    if (isTalosDrError(e)) return e;
    throw e;
  }
  throw new Error('accepted, expected a refusal');
}

const watch = (f: Partial<WatchFlags>) =>
  watchCommand({ param: [], format: 'text', ...f }, captureContext({ env: { TALOSCTL: '/nonexistent/talosctl' } }).ctx);

describe('watchCommand refusals', () => {
  it.each(['json', 'Prometheus', ''])('refuses --format %j, naming text and prometheus', async (format) => {
    const e = await refusal(() => watch({ format, param: ['nodes=127.0.0.11'] }));
    expect([e.code, e.message, e.hint]).toEqual([
      'TDR_BAD_FORMAT',
      `--format ${JSON.stringify(format)}: unknown format`,
      'use one of text, prometheus',
    ]);
  });

  it.each(['0', '999ms', '24h1s', '1.5s', '30x', '-30s'])('refuses --every %j: 1s to 24h', async (every) => {
    const e = await refusal(() => watch({ every, param: ['nodes=127.0.0.11'] }));
    expect(e.message).toBe(`--every ${JSON.stringify(every)}: a duration from 1s to 24h, e.g. 3s`);
  });

  it('refuses --every not longer than --window (the default window is 3s)', async () => {
    expect((await refusal(() => watch({ every: '3s', param: ['nodes=127.0.0.11'] }))).message).toBe(
      '--every "3s": must be longer than --window (3000 ms)',
    );
    expect((await refusal(() => watch({ every: '10s', window: '10s', param: ['nodes=127.0.0.11'] }))).message).toBe(
      '--every "10s": must be longer than --window (10000 ms)',
    );
  });

  it('checks the default --every (30s) against a longer --window too, naming the default', async () => {
    const e = await refusal(() => watch({ window: '1m', param: ['nodes=127.0.0.11'] }));
    expect(e.message).toBe('--every "30s": must be longer than --window (60000 ms)');
  });

  it.each(['0', '-1', '1.5', '30x', '', '01', ' 2'])('refuses --count %j: a whole number ≥ 1', async (count) => {
    const e = await refusal(() => watch({ count, param: ['nodes=127.0.0.11'] }));
    expect(e.message).toBe(`--count ${JSON.stringify(count)}: a whole number ≥ 1`);
  });

  it('refuses to watch without nodes, after the flags are checked', async () => {
    expect((await refusal(() => watch({ count: '1' }))).code).toBe('TDR_TRIAGE_NO_NODES');
    expect((await refusal(() => watch({ count: '0' }))).message).toMatch(/^--count /);
  });

  it('checks the shared read flags first', async () => {
    const e = await refusal(() => watch({ quota: '1KiB', format: 'xml' }));
    expect(e.message).toMatch(/^--quota "1KiB": /);
  });
});
