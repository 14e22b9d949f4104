import { describe, expect, it } from 'vitest';
import { renderPlain } from '../../src/engine/progress.js';
import { fakeTalosctl } from '../helpers/fake-talosctl.js';
import { goSession, removeCalls } from './harness.js';

// createSession: the session `talos-dr run` builds, driven in-process; its view is one listener.

describe('createSession', () => {
  it('what the terminal shows is exactly the plain rendering of the events an in-process caller heard', async () => {
    const fake = fakeTalosctl();
    const s = await goSession({ fake, approve: ['confirm-remove'] });
    expect(s.result).toMatchObject({ outcome: 'success', exitCode: 0 });
    expect(removeCalls(fake)).toHaveLength(1);
    expect(s.stdout).toBe(renderPlain(s.events));
    expect(s.events[0]?.code).toBe('TDR_I_RUN_START');
    expect(s.events.at(-1)?.code).toBe('TDR_I_RUN_SUMMARY');
    expect(s.stdout).toMatch(/\n■ run success \(exit 0\)\n$/);
    // the log the session opened is the one whose records the events carried
    const told = s.events.flatMap((e) => ('record' in e.data ? [e.data.record.hash] : []));
    expect(told.every((h) => s.records.some((r) => r.hash === h))).toBe(true);
    expect(s.stderr).toContain(`log: ${s.log}`);
  });

  it('a caller can wait for a step to start instead of reading the log file', async () => {
    const started: string[] = [];
    const fake = fakeTalosctl();
    await goSession({
      fake,
      approve: ['confirm-remove'],
      onEvent: (e) => {
        // at the moment `remove` starts, nothing has been removed yet
        if (e.code === 'TDR_I_STEP_START') started.push(`${e.data.record.payload.step}:${removeCalls(fake).length}`);
      },
    });
    expect(started).toEqual(['pre:0', 'confirm-remove:0', 'remove:0', 'gone:1']);
  });

  it('a listener that throws leaves the run, its log and its screen whole, and is named on stderr', async () => {
    const s = await goSession({
      fake: fakeTalosctl(),
      approve: ['confirm-remove'],
      onEvent: () => {
        throw new Error('watcher fell over');
      },
    });
    expect(s.result.exitCode).toBe(0);
    expect(s.records.at(-1)?.type).toBe('run-end');
    expect(s.stdout).toBe(renderPlain(s.events));
    expect(s.stderr).toMatch(/warning: a listener of the run's events failed \d+ time\(s\): Error: watcher fell over/);
  });
});
