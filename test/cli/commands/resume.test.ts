import { describe, expect, it } from 'vitest';
import { register } from '../../../src/cli/commands/resume.js';
import { parsedArgs, runRegistered } from '../../helpers/cli-in-process.js';

/** `talos-dr resume <log>`: its flags as resumeCommand gets them. */

describe('resume flags', () => {
  it('takes the log and no approvals by default', async () => {
    expect(await parsedArgs(register, ['resume'], ['resume', 'run.jsonl'])).toEqual({
      args: ['run.jsonl'],
      opts: { approve: [] },
    });
  });

  it('collects --approve, and passes the switches and the target flags', async () => {
    const r = await parsedArgs(
      register,
      ['resume'],
      [
        'resume',
        'run.jsonl',
        '--approve',
        'a',
        '--approve',
        'b@10.0.0.2',
        '--retarget',
        '--accept-unsigned-tail',
        '--context',
        'c',
        '--endpoints',
        'e',
        '--read-timeout',
        '1m',
      ],
    );
    expect(r).toEqual({
      args: ['run.jsonl'],
      opts: {
        approve: ['a', 'b@10.0.0.2'],
        retarget: true,
        acceptUnsignedTail: true,
        context: 'c',
        endpoints: 'e',
        readTimeout: '1m',
      },
    });
  });

  it('has no --param or --dry-run: a resume runs the recorded params, live', async () => {
    for (const flag of ['--param', '--dry-run']) {
      const r = await runRegistered(register, ['resume', 'run.jsonl', flag, 'x=1']);
      expect(r.code).toBe(2);
      expect(r.stderr).toContain(`unknown option '${flag}'`);
    }
  });

  it('needs the log', async () => {
    const r = await runRegistered(register, ['resume']);
    expect(r.code).toBe(2);
    expect(r.stderr).toContain("missing required argument 'log'");
  });
});
