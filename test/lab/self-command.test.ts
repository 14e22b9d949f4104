import { existsSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { isTalosDrError } from '../../src/io/errors.js';
import { distFile, inSingleExecutable, ROLES, roleOf, selfCommand } from '../../src/lab/self-command.js';

/** How talos-dr starts parts of itself: from a checkout, node and a dist/ bundle (the SEA is tested by its build). */

describe('roleOf: the part the single executable plays, by the name it was started under', () => {
  it.each([
    ['/usr/local/bin/talos-dr', 'talos-dr'],
    ['/tmp/lab/talosctl-lab', 'talosctl-lab'],
    ['lab-supervisor', 'lab-supervisor'],
    // anything else is the CLI: a renamed copy still works as talos-dr
    ['/opt/dr/talos-dr-1.2', 'talos-dr'],
    ['talosctl', 'talos-dr'],
    ['/x/talosctl-lab/other', 'talos-dr'],
    ['', 'talos-dr'],
  ])('%j → %s', (argv0, role) => {
    expect(roleOf(argv0)).toBe(role);
  });
});

describe('selfCommand outside the single executable', () => {
  it('runs each role as node with its bundle from dist/', () => {
    expect(inSingleExecutable()).toBe(false);
    for (const role of ROLES) {
      const c = selfCommand(role);
      expect(c.file).toBe(process.execPath);
      expect(c.argv0).toBeUndefined();
      expect(c.args).toHaveLength(1);
      expect(c.args[0]).toMatch(new RegExp(`/dist/${role}\\.mjs$`));
      expect(existsSync(c.args[0] ?? '')).toBe(true);
    }
  });

  it('a bundle that is not built: a coded error that says to build', () => {
    let caught: unknown;
    try {
      distFile('no-such-part.mjs');
    } catch (e) {
      caught = e;
    }
    expect(isTalosDrError(caught) && caught.code).toBe('TDR_LAB_FAILED');
    expect(isTalosDrError(caught) && caught.message).toContain('no-such-part.mjs not found: run `npm run build`');
  });
});
