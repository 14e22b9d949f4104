import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import xterm from '@xterm/headless';
import { spawn } from 'node-pty';
import { describe, expect, it } from 'vitest';
import { REMOVE_RUNBOOK } from '../engine/harness.js';
import { BIN } from '../helpers/run-cli.js';

const STAND_IN = fileURLToPath(new URL('../../fixtures/bin/record-talosctl.mjs', import.meta.url));
const NODES = '10.5.0.2,10.5.0.3,10.5.0.4';
const MEMBER = 'f3e2d1c0b9a89776';

/** talos-dr in a real pseudo-terminal, its screen rendered by a headless xterm. */
function session(extraEnv: Record<string, string | undefined> = {}) {
  const dir = mkdtempSync(join(tmpdir(), 'tdr-e2e-'));
  const rec = join(dir, 'argv.jsonl');
  writeFileSync(rec, '');
  const book = join(dir, 'remove.yaml');
  writeFileSync(book, REMOVE_RUNBOOK);
  const log = join(dir, 'run.jsonl');
  const term = new xterm.Terminal({ cols: 160, rows: 60, allowProposedApi: true });
  const args = ['run', book, '--param', `nodes=${NODES}`, '--param', 'healthy=10.5.0.2', '--param', `member=${MEMBER}`];
  const env: Record<string, string> = {};
  const wanted = {
    ...process.env,
    RECORD_ARGV: rec,
    TALOS_DR_LOCK_DIR: join(dir, 'locks'),
    CI: '',
    NO_COLOR: '1',
    TERM: 'xterm-256color', // a terminal listr draws on (TERM=dumb gets plain lines)
    ...extraEnv,
  };
  for (const [k, v] of Object.entries(wanted)) if (v !== undefined) env[k] = v;
  const pty = spawn(BIN, [...args, '--talosctl', STAND_IN, '--log', log], { cols: 160, rows: 60, env });
  let raw = '';
  pty.onData((d) => {
    raw += d;
    term.write(d);
  });
  const exited = new Promise<number>((resolve) => pty.onExit((e) => resolve(e.exitCode)));
  const screen = (): string => {
    const b = term.buffer.active;
    const lines: string[] = [];
    for (let i = 0; i < b.length; i++) lines.push(b.getLine(i)?.translateToString(true) ?? '');
    return lines.join('\n');
  };
  const waitFor = async (text: string, ms = 15_000): Promise<void> => {
    const end = Date.now() + ms;
    while (!raw.includes(text)) {
      if (Date.now() > end) throw new Error(`timed out waiting for ${JSON.stringify(text)}; screen:\n${screen()}`);
      await new Promise((r) => setTimeout(r, 25));
    }
  };
  const calls = () => readFileSync(rec, 'utf8');
  return { pty, exited, screen, waitFor, calls, log, raw: () => raw };
}

describe('gates in a real terminal', () => {
  it('a bare Enter does not approve; typing the member id does', async () => {
    const s = session();
    await s.waitFor(`Type ${MEMBER} to approve`);
    expect(s.screen()).toMatch(/removes the member [0-9a-f]{16} from the etcd cluster for good/);
    s.pty.write('\r');
    await s.waitFor('an empty answer does not approve');
    expect(s.calls()).not.toContain('remove-member');
    s.pty.write(`${MEMBER}\r`);
    expect(await s.exited).toBe(0);
    expect(s.calls().match(/remove-member/g)).toHaveLength(1);
  });

  it('draws a task per step with its check summaries kept after it completes', async () => {
    const s = session();
    await s.waitFor(`Type ${MEMBER} to approve`);
    s.pty.write(`${MEMBER}\r`);
    expect(await s.exited).toBe(0);
    await new Promise((r) => setTimeout(r, 100)); // let the headless terminal parse the last bytes
    const screen = s.screen();
    expect(screen).toMatch(/^✔ pre$/m);
    expect(screen).toMatch(/^ {2}› ✔ PASS member-present: member f3e2d1c0b9a89776 on 10\.5\.0\.4 is listed by/m);
    expect(screen).toMatch(/^✔ confirm-remove$/m);
    expect(screen).toMatch(/^ {2}› ┃ GATE confirm-remove: Remove the member$/m);
    expect(screen).toContain(`› ? Type ${MEMBER} to approve, or "no" to stop: ${MEMBER}`);
    expect(screen).toMatch(/^✔ remove$/m);
    expect(screen).toMatch(/^ {2}› ✔ 10\.5\.0\.2: ok/m);
    expect(screen).toMatch(/^✔ gone$/m);
    expect(screen).toMatch(/^ {2}› ✔ PASS member-absent: /m);
    expect(screen).toMatch(/^■ run success \(exit 0\)$/m);
    // nothing half-drawn is left behind (spinner frames, pending marks)
    expect(screen).not.toMatch(/^[⠋⠙⠹⠸⠼⠴⠦⠧⠇⠏❯◼]/m);
    for (const sgr of [31, 32, 33, 36, 2]) expect(s.raw()).not.toContain(`\u001b[${sgr}m`); // NO_COLOR
  });

  it('colours the marks when NO_COLOR is not set', async () => {
    const s = session({ NO_COLOR: undefined });
    await s.waitFor(`Type ${MEMBER} to approve`);
    s.pty.write('no\r');
    expect(await s.exited).toBe(3);
    expect(s.raw()).toContain('\u001b[32m✔\u001b[39m pre');
  });

  it('Ctrl-C at the gate prompt: exit 130, the gate task marked failed, a resumable log', async () => {
    const s = session();
    await s.waitFor(`Type ${MEMBER} to approve`);
    s.pty.write('\x03');
    expect(await s.exited).toBe(130);
    expect(s.calls()).not.toContain('remove-member');
    const last = readFileSync(s.log, 'utf8').trimEnd().split('\n').at(-1) ?? '';
    expect(last).toContain('"outcome":"interrupted"');
    await new Promise((r) => setTimeout(r, 100));
    expect(s.screen()).toMatch(/^✖ confirm-remove$/m);
    expect(s.raw()).toContain(`resume ${s.log}`);
  });

  it('Ctrl-C during a step kills it: exit 130 and a resumable log', async () => {
    const s = session({ RECORD_SLEEP: 'etcd members' });
    await s.waitFor('pre');
    await new Promise((r) => setTimeout(r, 500));
    s.pty.write('\x03');
    expect(await s.exited).toBe(130);
    const last = readFileSync(s.log, 'utf8').trimEnd().split('\n').at(-1) ?? '';
    expect(last).toContain('"type":"run-end"');
    expect(last).toContain('"outcome":"interrupted"');
    expect(s.raw()).toContain(`resume ${s.log}`);
  });
});
