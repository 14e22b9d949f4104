import { describe, expect, it } from 'vitest';
import { startBuild } from '../../../src/compile/build.js';
import { compileEnd } from '../../../src/compile/steps/end.js';
import { compileText, drive } from '../../helpers/drive-machine.js';

/** An end step is a final state that carries the runbook's own outcome and message. */
describe('compileEnd', () => {
  const { runbook, compiled } = compileText(
    `  - id: pick\n    choice: { check: leader-elected, with: { nodes: { ref: params.nodes } }, ifPass: stop, ifFail: other }\n  - id: stop\n    end: { outcome: precondition-failed, message: Nothing to do here }\n  - id: other\n    end: { outcome: aborted, message: the other end }`,
  );

  it('adds one final state, role end, whose output is the step outcome, id and message', () => {
    const b = startBuild(runbook);
    const step = runbook.steps[1];
    if (step?.kind !== 'end') throw new Error('fixture');
    compileEnd(b, step);
    expect(Object.keys(b.states)).toEqual(['stop']);
    expect(b.states.stop).toMatchObject({
      type: 'final',
      output: { outcome: 'precondition-failed', stepId: 'stop', message: 'Nothing to do here' },
    });
    expect(b.metas.stop).toEqual({ stepId: 'stop', role: 'end', effect: undefined });
  });

  it('a run that reaches it ends there with that outcome; the end after it is not entered', async () => {
    const r = await drive(compiled, { nodes: ['10.0.0.1'] });
    expect(r.output).toEqual({ outcome: 'precondition-failed', stepId: 'stop', message: 'Nothing to do here' });
    expect(r.states).toEqual(['pick', 'stop']);
    const other = await drive(compiled, { nodes: ['10.0.0.1'] }, { check: () => ({ verdict: 'fail' }) });
    expect(other.output).toEqual({ outcome: 'aborted', stepId: 'other', message: 'the other end' });
  });
});
