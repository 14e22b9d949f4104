import { readdirSync, readFileSync } from 'node:fs';
import { basename, join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { generateRunbook } from '../../bench/compile.js';
import { lintRunbook } from '../../src/compile/lint.js';
import { serialiseCompiled } from './serialise-machine.js';

/**
 * The compiled machine of every built-in runbook (and the valid fixtures) is pinned byte for
 * byte: a change to the compiler that changes a state, a transition, a guard, a delay or an
 * action of any of them shows up here. A deliberate change updates the files with `vitest -u`
 * and the diff is reviewed like code.
 */

const FILES = [
  ...readdirSync('runbooks')
    .filter((f) => f.endsWith('.yaml'))
    .map((f) => join('runbooks', f)),
  ...readdirSync('fixtures/runbooks/valid')
    .filter((f) => f.endsWith('.yaml'))
    .map((f) => join('fixtures/runbooks/valid', f)),
].sort();

function compiledJson(file: string, text = readFileSync(file, 'utf8')): string {
  const r = lintRunbook(text, file);
  if (!r.ok) throw new Error(r.errors.map((e) => e.message).join('\n'));
  return serialiseCompiled(r.runbook, r.compiled);
}

describe('compiled machines (golden)', () => {
  it('covers every built-in runbook', () => {
    expect(FILES.filter((f) => f.startsWith('runbooks/')).length).toBeGreaterThanOrEqual(7);
  });

  for (const file of FILES) {
    it(`${file} compiles to the pinned machine`, async () => {
      const dir = file.startsWith('runbooks/') ? 'builtin' : 'fixtures';
      await expect(compiledJson(file)).toMatchFileSnapshot(
        `../../fixtures/golden/compile/${dir}/${basename(file, '.yaml')}.json`,
      );
    });
  }

  // the benchmark's runbook: ungated retried commands, choices with ifFail, confirms, waits
  it('the 20-step benchmark runbook compiles to the pinned machine', async () => {
    await expect(compiledJson('bench.yaml', generateRunbook(20))).toMatchFileSnapshot(
      '../../fixtures/golden/compile/fixtures/bench-20.json',
    );
  });

  it('sees a change of one delay, one guard param or one input (the serialisation is not blind)', () => {
    // runbook edits the compiler turns into another timeout, poll interval, retry guard and input
    const edits: Array<[string, string, string]> = [
      ['runbooks/nospace-recovery.yaml', 'timeout: 5m', 'timeout: 6m'],
      ['runbooks/nospace-recovery.yaml', 'interval: 250ms', 'interval: 300ms'],
      ['runbooks/nospace-recovery.yaml', 'ignoreAlarm: NOSPACE', 'ignoreAlarm: CORRUPT'],
      ['runbooks/replace-lost-member.yaml', 'attempts: 5', 'attempts: 4'],
      ['runbooks/replace-lost-member.yaml', 'factor: 2', 'factor: 3'],
    ];
    for (const [file, from, to] of edits) {
      const text = readFileSync(file, 'utf8');
      expect(text).toContain(from);
      const r = lintRunbook(text.replace(from, to), file);
      if (!r.ok) throw new Error(r.errors.map((e) => e.message).join('\n'));
      expect(serialiseCompiled(r.runbook, r.compiled), `${file}: ${from} → ${to}`).not.toBe(compiledJson(file));
    }
  });
});
