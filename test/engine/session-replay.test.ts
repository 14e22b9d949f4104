import { describe, expect, it } from 'vitest';
import type { AnyRecord, PayloadByType, RecordType } from '../../src/audit/log-format.js';
import { Journal } from '../../src/engine/journal.js';
import { createRunReplay, gateIds } from '../../src/engine/session-replay.js';
import { compileText } from '../helpers/drive-machine.js';
import { memorySink, steppingClock } from '../helpers/sample-log.js';

/**
 * The replay of a resumed run over a runbook: which steps are talosctl steps (their results are
 * outputs), what each approval guards (a confirm: its guarded steps; a gated step's own
 * re-approval: itself), and which step-ends answer manual steps; and the ids --approve may name.
 */
const { runbook } = compileText(
  `  - id: c
    confirm: { prompt: Go? }
  - id: rm
    talosctl: [etcd, remove-member, 0a1b2c3d4e5f6a7b]
    node: 10.0.0.1
  - id: st
    talosctl: [etcd, status]
    nodes: { ref: params.nodes }
  - id: m
    manual: { instructions: check the node }
  - id: each
    foreach: { in: { ref: params.nodes }, as: n }
    steps:
      - id: d
        talosctl: [etcd, defrag]
        node: { ref: n }
  - id: ok
    end: { outcome: success, message: ok }`,
);

function records(build: (add: <T extends RecordType>(t: T, p: PayloadByType[T]) => void) => void): AnyRecord[] {
  const j = Journal.create('mem', { sink: memorySink(), clock: steppingClock() });
  const out: AnyRecord[] = [];
  build((t, p) => out.push(j.append(t, p) as AnyRecord));
  return out;
}
const approval = (step: string) => ({
  step,
  who: 'a',
  how: 'tty' as const,
  when: 'w',
  fingerprint: 'f'.repeat(64),
  approved: true,
});
const intent = (step: string, argv: string[]) => ({ step, argv, node: '10.0.0.1', effect: 'irreversible' as const });

describe('gateIds', () => {
  it('confirm steps, manual steps and gated talosctl steps, nested ones included; nothing else', () => {
    expect(gateIds(runbook)).toEqual(['c', 'rm', 'm']);
  });
});

describe('createRunReplay', () => {
  it("a confirm's approval is replayed when its guarded step started after it", () => {
    const r = createRunReplay(
      runbook,
      records((add) => {
        add('approval', approval('c'));
        add('command-intent', intent('rm', ['etcd', 'remove-member', '0a1b2c3d4e5f6a7b']));
      }),
    );
    expect(r.approval('c')).toBeDefined();
  });

  it("the confirm's approval never stands in for the step's own re-approval after an unknown outcome", () => {
    const r = createRunReplay(
      runbook,
      records((add) => {
        add('approval', approval('c'));
        add('command-intent', intent('rm', ['etcd', 'remove-member', '0a1b2c3d4e5f6a7b']));
      }),
    );
    expect(r.approval('rm')).toBeUndefined();
  });

  it("a gated step's re-approval guards the step itself: replayed when the step ran again after it", () => {
    const r = createRunReplay(
      runbook,
      records((add) => {
        add('command-intent', intent('rm', ['etcd', 'remove-member', '0a1b2c3d4e5f6a7b']));
        add('approval', approval('rm'));
        add('command-intent', intent('rm', ['etcd', 'remove-member', '0a1b2c3d4e5f6a7b']));
      }),
    );
    expect(r.command('rm', '10.0.0.1')?.settledLater).toBe(true);
    expect(r.approval('rm')).toBeDefined();
  });

  it("a gated step's re-approval is not 'used' by another step's command: asked again", () => {
    const r = createRunReplay(
      runbook,
      records((add) => {
        add('approval', approval('rm'));
        add('command-intent', intent('st', ['etcd', 'status']));
      }),
    );
    expect(r.approval('rm')).toBeUndefined();
  });

  it("a talosctl step's result without an intent (a read step) is an output; a manual step's step-end is its answer", () => {
    const r = createRunReplay(
      runbook,
      records((add) => {
        add('command-result', {
          step: 'st',
          argv: ['etcd', 'status'],
          node: '10.0.0.1',
          exitCode: 0,
          durationMs: 1,
          stdout: 'x',
          stderr: '',
          timedOut: false,
        });
        add('step-end', { step: 'm', outcome: 'done' });
      }),
    );
    expect(r.command('st', '10.0.0.1')?.result?.payload.stdout).toBe('x');
    expect(r.manual('m')?.payload.outcome).toBe('done');
  });

  it('a step-end of a step that is not manual is not an answer to replay', () => {
    const r = createRunReplay(
      runbook,
      records((add) => add('step-end', { step: 'st', outcome: 'done' })),
    );
    expect(r.manual('st')).toBeUndefined();
  });
});
