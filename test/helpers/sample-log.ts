import type { Journal, JournalSink } from '../../src/engine/journal.js';

/** A sink that keeps lines in memory and counts fsyncs. */
export function memorySink(): JournalSink & { text: () => string; syncs: number[] } {
  const lines: string[] = [];
  const sink = {
    syncs: [] as number[],
    append: (line: string) => {
      lines.push(line);
    },
    sync: () => {
      sink.syncs.push(lines.length);
    },
    close: () => {},
    text: () => lines.join(''),
  };
  return sink;
}

/** A fixed clock advancing one second per call. */
export function steppingClock(start = Date.parse('2026-11-24T03:00:00.000Z')) {
  let t = start;
  return {
    now: () => {
      const d = new Date(t);
      t += 1000;
      return d;
    },
  };
}

/** Writes a short but complete run: every record type once. */
export function writeSampleRun(journal: Journal): void {
  journal.append('run-start', {
    runbook: 'nospace-recovery',
    runbookSha256: 'a'.repeat(64),
    params: { nodes: ['127.0.0.11'] },
    operator: 'alice',
    host: 'adm-1',
    toolVersion: '0.1.0',
    talosctlVersion: 'v1.14.0',
    dryRun: false,
  });
  journal.append('step-start', { step: 'defrag', kind: 'talosctl' });
  journal.append('command-intent', {
    step: 'defrag',
    argv: ['-n', '127.0.0.11', 'etcd', 'defrag'],
    node: '127.0.0.11',
    effect: 'mutating',
  });
  journal.append('command-result', {
    step: 'defrag',
    argv: ['-n', '127.0.0.11', 'etcd', 'defrag'],
    node: '127.0.0.11',
    exitCode: 0,
    durationMs: 1234,
    stdout: '',
    stderr: 'ünïcode ✓',
    timedOut: false,
  });
  journal.append('check', {
    step: 'healthy',
    name: 'member-healthy',
    args: { node: '127.0.0.11' },
    observed: { lag: 0 },
    verdict: 'pass',
    summary: 'member 6457a4e8ecba5c61 on 127.0.0.11 is healthy (the leader)',
  });
  journal.append('approval-request', {
    step: 'disarm',
    prompt: 'Disarm every etcd alarm',
    fingerprint: 'f'.repeat(64),
    token: 'disarm',
  });
  journal.append('approval', {
    step: 'disarm',
    who: 'alice',
    how: 'tty',
    when: '2026-11-24T03:00:07.000Z',
    fingerprint: 'f'.repeat(64),
    approved: true,
  });
  journal.append('deviation', { step: 'disarm', kind: 'retry', detail: 'attempt 2 of 3' });
  journal.append('step-end', { step: 'disarm', outcome: 'done' });
  journal.append('run-end', { outcome: 'done', exitCode: 0 });
}
