import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { parseRecording, RECORDING_FORMAT } from '../../src/triage/recording.js';

/** The recorded reads `triage --replay` takes: a file a responder may hand over, so anything may be in it. */
const good = readFileSync('fixtures/triage/healthy.json', 'utf8');
const edit = (f: (j: Record<string, unknown>) => unknown) => {
  const j = JSON.parse(good);
  f(j);
  return JSON.stringify(j);
};

describe('parseRecording', () => {
  it('reads a recorded triage', () => {
    const r = parseRecording(good);
    expect(r.ok).toBe(true);
    if (!r.ok) throw new Error(r.reason);
    expect(r.recording.format).toBe(RECORDING_FORMAT);
    expect(r.recording.nodes).toEqual(['127.0.0.81', '127.0.0.82', '127.0.0.83']);
    expect(r.recording.polls).toHaveLength(2);
  });

  it.each([
    ['not json {', /^not JSON \(/],
    ['null', /^not a triage recording \(format must be "talos-dr-triage-reads\/1"\)$/],
    ['[]', /^not a triage recording/],
    [edit((j) => Object.assign(j, { format: 'talos-dr-triage-reads/2' })), /^not a triage recording/],
    [edit((j) => Object.assign(j, { nodes: [] })), /^"nodes" must be a non-empty list/],
    [edit((j) => Object.assign(j, { nodes: ['a', 1] })), /^"nodes" must be a non-empty list/],
    [edit((j) => Object.assign(j, { polls: [] })), /^"polls" must hold the two polls/],
    [edit((j) => (j.polls as unknown[]).pop()), /^"polls" must hold the two polls/],
    [
      edit((j) => Object.assign((j.polls as Record<string, unknown>[])[1] ?? {}, { at: 'yesterday' })),
      /^polls\[1\] needs "at"/,
    ],
    [
      edit((j) => Object.assign((j.polls as Record<string, unknown>[])[0] ?? {}, { calls: {} })),
      /^polls\[0\] needs "at"/,
    ],
    [
      edit((j) => {
        const calls = (j.polls as { calls: Record<string, unknown>[] }[])[0]?.calls ?? [];
        Object.assign(calls[2] ?? {}, { stdout: null });
      }),
      /^polls\[0\]\.calls\[2\] needs node, args, stdout and stderr$/,
    ],
  ])('refuses %#, saying why', (text, reason) => {
    const r = parseRecording(text);
    expect(r.ok).toBe(false);
    expect(r.ok ? '' : r.reason).toMatch(reason);
  });
});
