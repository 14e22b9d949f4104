import { describe, expect, it } from 'vitest';
import { register } from '../../../src/cli/commands/watch.js';
import { parsedArgs, runRegistered } from '../../helpers/cli-in-process.js';

/** `talos-dr watch`: its flags (text by default) and help; the rounds are watch-command's. */

describe('watch', () => {
  it('defaults --format to text and nothing else', async () => {
    expect(await parsedArgs(register, ['watch'], ['watch'])).toEqual({ args: [], opts: { param: [], format: 'text' } });
  });

  it('passes --every, --count, --format and --out as text for watch-command to check', async () => {
    const r = await parsedArgs(
      register,
      ['watch'],
      [
        'watch',
        '--every',
        '1m',
        '--count',
        '0',
        '--format',
        'prometheus',
        '--out',
        'x.prom',
        '--param',
        'nodes=127.0.0.11',
      ],
    );
    expect(r).toEqual({
      args: [],
      opts: { param: ['nodes=127.0.0.11'], every: '1m', count: '0', format: 'prometheus', out: 'x.prom' },
    });
  });

  it('has the read flags of triage, and not its --save or --replay', async () => {
    const ok = await parsedArgs(register, ['watch'], ['watch', '--max-lag', '5', '--quota', '2GiB']);
    expect(ok).toMatchObject({ opts: { maxLag: '5', quota: '2GiB' } });
    const r = await runRegistered(register, ['watch', '--replay', 'x.json']);
    expect(r.code).toBe(2);
    expect(r.stderr).toContain("unknown option '--replay'");
  });

  it('refuses --count 0 when it runs, naming the flag (exit 2)', async () => {
    const r = await runRegistered(register, ['watch', '--count', '0', '--param', 'nodes=127.0.0.11'], {
      env: { TALOSCTL: '/nonexistent/talosctl' },
    });
    expect(r.code).toBe(2);
    expect(r.stderr).toBe('talos-dr: TDR_BAD_PARAM --count "0": a whole number ≥ 1\n');
  });

  it('says in --help what its exit code is', async () => {
    const r = await runRegistered(register, ['watch', '--help']);
    expect(r.stdout).toContain(
      'With --count: exit 0 healthy · 1 degraded · 4 cannot tell (the last round). Interrupted: 130.',
    );
  });
});
