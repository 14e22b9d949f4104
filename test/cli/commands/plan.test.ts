import { describe, expect, it } from 'vitest';
import { register } from '../../../src/cli/commands/plan.js';
import { parsedArgs, runRegistered } from '../../helpers/cli-in-process.js';

/** `talos-dr plan <runbook>`: its flags, and that it plans (exit 0) without asking the cluster. */

describe('plan', () => {
  it('collects every --param, in both spellings, in order', async () => {
    const r = await parsedArgs(
      register,
      ['plan'],
      ['plan', 'health-check', '--param', 'nodes=127.0.0.11', '--param=members=3', '--json'],
    );
    expect(r).toEqual({ args: ['health-check'], opts: { param: ['nodes=127.0.0.11', 'members=3'], json: true } });
  });

  it('has no params by default and reads the cluster only with --live-reads', async () => {
    expect(await parsedArgs(register, ['plan'], ['plan', 'x'])).toEqual({ args: ['x'], opts: { param: [] } });
    expect(await parsedArgs(register, ['plan'], ['plan', 'x', '--live-reads', '--talosctl', '/t'])).toEqual({
      args: ['x'],
      opts: { param: [], liveReads: true, talosctl: '/t' },
    });
  });

  it('plans a built-in runbook (exit 0) with a talosctl that does not exist: nothing is run', async () => {
    const r = await runRegistered(register, ['plan', 'health-check', '--param', 'nodes=127.0.0.11'], {
      env: { TALOSCTL: '/nonexistent/talosctl' },
    });
    expect(r.code).toBe(0);
    expect(r.stdout).toContain('(nothing is changed)');
  });

  it('refuses --param without a value and a missing runbook, exit 2', async () => {
    expect((await runRegistered(register, ['plan', 'health-check', '--param'])).stderr).toContain(
      "option '--param <name=value>' argument missing",
    );
    expect((await runRegistered(register, ['plan'])).code).toBe(2);
  });
});
