import { execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import type { CommandSpec } from '../../src/cli/command-tree.js';
import { manPage, programManPage } from '../../src/cli/man-page.js';
import { EXIT_CODE_HELP } from '../../src/io/exit-codes.js';

const checkedIn = readFileSync('man/talos-dr.1', 'utf8');

describe('man/talos-dr.1', () => {
  it('is the page of the current --help texts (run `npm run gen:man` when stale)', async () => {
    expect(checkedIn).toBe(await programManPage());
  });

  it('renders with man, without a groff warning, and names every command', () => {
    const out = execFileSync('man', ['--warnings', '-l', 'man/talos-dr.1'], {
      encoding: 'utf8',
      env: { ...process.env, MANPAGER: 'cat', PAGER: 'cat', MANWIDTH: '100', LANG: 'C.UTF-8' },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    for (const c of ['talos-dr drill', 'talos-dr backup restore-drill', 'talos-dr completion', 'talos-dr log verify']) {
      expect(out).toContain(`   ${c}\n`);
    }
    expect(out).toContain('--first-address <ip>');
    expect(out).toContain('another run holds the cluster lock');
  });

  it('keeps text that looks like roff literal: a leading dot, a backslash, hyphens', () => {
    const root: CommandSpec = {
      path: ['talos-dr'],
      description: 'Root.',
      usage: '[options]',
      arguments: [],
      options: [],
      commands: [
        {
          path: ['talos-dr', 'x'],
          description: '.so /etc/passwd\n\\fBbold\\fR -- a-b',
          usage: '[options]',
          arguments: [],
          options: [],
          commands: [],
        },
      ],
    };
    const page = manPage({ root, version: '1.2.3', exitCodes: EXIT_CODE_HELP });
    expect(page).toContain('\\&.so /etc/passwd\n\\efBbold\\efR \\-\\- a\\-b');
    expect(page).not.toMatch(/^\.so /m);
  });
});
