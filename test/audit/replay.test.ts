import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { parseJournal } from '../../src/audit/read.js';
import { formatReplay, replayVerdicts } from '../../src/audit/replay/replay.js';
import { CHECK_IMPLS } from '../../src/checks/registry.js';
import { defineCheck } from '../../src/checks/verdict.js';
import { readKindOf } from '../../src/talos/read-commands.js';

const records = (name: string) =>
  parseJournal(readFileSync(fileURLToPath(new URL(`../../fixtures/logs/${name}.jsonl`, import.meta.url)), 'utf8'))
    .records;

describe('log replay', () => {
  it("re-decides every recorded check of the sample logs with today's parsers and checks: all agree", () => {
    const n = replayVerdicts(records('nospace-recovery'));
    expect(n).toMatchObject({ checks: 7, agreed: 7, differences: [], notReplayable: [] });
    const r = replayVerdicts(records('restore-from-snapshot'));
    expect(r).toMatchObject({ checks: 5, agreed: 5, differences: [], notReplayable: [] });
  });

  it('flags a verdict a changed evaluator would now decide differently', () => {
    // today's member-healthy, but a stricter rule: any lag at all fails
    const strict = defineCheck({
      name: 'member-healthy',
      reads: CHECK_IMPLS['member-healthy'].reads,
      evaluate(observed, args, prev) {
        const v = CHECK_IMPLS['member-healthy'].evaluate(observed, args, prev);
        const lag = v.observed.lag;
        return typeof lag === 'number' &&
          v.verdict === 'pass' &&
          observed.reads.status[String(args.node)]?.ok &&
          lag >= 0 &&
          String(args.node) !== '172.20.0.2'
          ? { ...v, verdict: 'fail', summary: `stricter: ${v.summary}` }
          : v;
      },
    });
    const rep = replayVerdicts(records('nospace-recovery'), { ...CHECK_IMPLS, 'member-healthy': strict });
    expect(rep.differences.map((d) => [d.seq, d.step, d.check, d.recorded, d.today])).toEqual([
      [29, 'defrag-each[0].member-healthy', 'member-healthy', 'pass', 'fail'],
      [39, 'defrag-each[1].member-healthy', 'member-healthy', 'pass', 'fail'],
    ]);
    expect(formatReplay(rep)).toContain(
      'DIFFERS record 29 step defrag-each[0].member-healthy check member-healthy: recorded PASS, today FAIL',
    );
    expect(formatReplay(rep)).toMatch(/2 of 7 replayed verdicts differ today/);
  });

  it('a changed parser changes the verdict too: outputs are re-parsed, not the recorded values reused', () => {
    const recs = records('nospace-recovery').map((r) =>
      r.type === 'command-result' && r.seq === 3 ? { ...r, payload: { ...r.payload, stdout: 'garbage\n' } } : r,
    );
    const rep = replayVerdicts(recs);
    // alarm-active passes as long as one node lists the alarm: the two others still do
    expect(rep.differences).toEqual([]);
    const all = recs.map((r) =>
      r.type === 'command-result' && r.seq <= 5 ? { ...r, payload: { ...r.payload, stdout: 'garbage\n' } } : r,
    );
    expect(replayVerdicts(all).differences).toMatchObject([
      { seq: 6, check: 'alarm-active', recorded: 'pass', today: 'unknown' },
    ]);
  });

  it('says which checks it cannot replay, and why', () => {
    const recs = records('nospace-recovery').map((r) =>
      r.type === 'check' && r.seq === 6 ? { ...r, payload: { ...r.payload, evidence: [] } } : r,
    );
    expect(replayVerdicts(recs).notReplayable).toEqual([
      {
        seq: 6,
        step: 'require-nospace',
        check: 'alarm-active',
        reason: 'the record links no raw command outputs (no evidence refs)',
      },
    ]);
  });

  it('recognises the read commands whatever the node flags', () => {
    expect(readKindOf(['etcd', 'members'])).toBe('members');
    expect(readKindOf(['-n', '10.0.0.1', 'etcd', 'alarm', 'list'])).toBe('alarms');
    expect(readKindOf(['--nodes', '10.0.0.1', 'service', 'etcd'])).toBe('service');
    expect(readKindOf(['etcd', 'defrag'])).toBeUndefined();
  });
});
