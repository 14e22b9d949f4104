import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { CONNECTION_FLAGS, classify, SHAPES } from '../../src/talos/commands.js';
import { TEST_SEED } from '../setup/hermetic.js';
import { isExactRead, mayReadConnection } from './pflag-oracle.js';

/**
 * Properties of the command registry over random argv built from its own words and flags,
 * connection flags in every spelling and look-alike dashes. Seeded: the seed is printed, and
 * FC_SEED=<n> replays a run; FC_RUNS (or TALOS_DR_RELIABILITY=1) raises the number of runs.
 */

// FC_SEED replays this file alone; otherwise the run's one seed (TALOS_DR_TEST_SEED, fixed in CI)
const seed = Number(process.env.FC_SEED ?? TEST_SEED);
const numRuns = Number(process.env.FC_RUNS ?? (process.env.TALOS_DR_RELIABILITY === '1' ? 200_000 : 4_000));

const WORDS = [...new Set(SHAPES.flatMap((s) => [...s.path, ...(s.aliases ?? []).flat()]))];
const VALUES = [
  'etcd',
  'status',
  'start',
  'stop',
  'restart',
  'kill',
  'members',
  '10.0.0.3',
  'f3e2d1c0b9a89776',
  'cp-3',
  'reboot',
  'auto',
  'no-reboot',
  'powercycle',
  'true',
  'false',
  '0',
  'EPHEMERAL',
  'EPHEMERAL,STATE',
  'user-disks',
  'cp.yaml',
  './etcd.snapshot',
  '-1',
  'x=y',
  '',
];
const FLAGS = SHAPES.flatMap((s) => s.flags);
const SHORTS = [...new Set(FLAGS.map((f) => f.short).filter((x): x is string => x !== undefined))];
const DASHES = ['\u2010', '\u2011', '\u2012', '\u2013', '\u2014', '\u2015', '\u2212', '\u00ad', '\uff0d', '\ufe63'];

const value = fc.constantFrom(...VALUES);
const word = fc.oneof(
  fc.constantFrom(...WORDS),
  fc.constantFrom(...WORDS).map((w) => w.toUpperCase()),
  fc.constantFrom('constructor', '__proto__', 'toString', 'frobnicate'),
);
/** the command words: a registry path (or alias) most of the time, else a few random words */
const command = fc.oneof(
  { weight: 4, arbitrary: fc.constantFrom(...SHAPES.flatMap((s) => [s.path, ...(s.aliases ?? [])])) },
  { weight: 1, arbitrary: fc.array(word, { maxLength: 3 }) },
);

/** a registry flag in one of pflag's spellings */
const flag = fc.tuple(fc.constantFrom(...FLAGS), fc.nat(5), value).map(([f, how, v]): string[] => {
  if (f.short === undefined || how < 2) return how === 0 ? [`--${f.long}`] : [`--${f.long}=${v}`];
  if (how === 2) return [`-${f.short}`];
  if (how === 3) return [`-${f.short}${v}`];
  if (how === 4) return [`-${f.short}=${v}`];
  return [`--${f.long}`, v];
});
/** several short letters in one token, the last one maybe with a value */
const cluster = fc
  .tuple(fc.array(fc.constantFrom(...SHORTS, 'h', 'x'), { minLength: 2, maxLength: 4 }), fc.option(value))
  .map(([letters, v]) => [`-${letters.join('')}${v ?? ''}`]);
/** a connection flag in any spelling talosctl accepts, alone or inside a short cluster */
const connection = fc
  .tuple(
    fc.constantFrom(...CONNECTION_FLAGS),
    fc.nat(5),
    fc.array(fc.constantFrom(...SHORTS, 'h'), { maxLength: 2 }),
    fc.constantFrom('10.0.0.3', '10.9.9.9', 'x'),
  )
  .map(([f, how, before, v]): string[] => {
    if (f.short === undefined || how < 2) return how === 0 ? [`--${f.long}`, v] : [`--${f.long}=${v}`];
    if (how === 2) return [`-${before.join('')}${f.short}`, v];
    if (how === 3) return [`-${before.join('')}${f.short}${v}`];
    if (how === 4) return [`-${f.short}=${v}`];
    return [`-${f.short}`, v];
  });
/** a flag name after a dash that only looks like one */
const lookalike = fc
  .tuple(fc.constantFrom(...DASHES), fc.boolean(), fc.constantFrom('nodes', 'n', 'force', 'mode=reboot', 'dry-run'))
  .map(([d, twice, name]) => [`${d}${twice ? d : ''}${name}`]);
const token = fc.oneof(
  { weight: 4, arbitrary: value.map((v) => [v]) },
  { weight: 4, arbitrary: flag },
  { weight: 2, arbitrary: cluster },
  { weight: 2, arbitrary: connection },
  { weight: 1, arbitrary: lookalike },
  { weight: 1, arbitrary: fc.constantFrom(['--'], ['-'], ['--no\u200bdes', '10.0.0.3'], ['--Nodes=x']) },
);
/** argv: the command words, then tokens; sometimes tokens before the words too (cobra reads them) */
const anyArgv = fc
  .tuple(fc.array(token, { maxLength: 2 }), command, fc.array(token, { maxLength: 6 }), fc.nat(4))
  .map(([pre, words, rest, k]) => [...(k === 0 ? pre.flat() : []), ...words, ...rest.flat()]);

const show = (a: readonly string[]) => JSON.stringify(a);

describe(`command registry properties (seed ${seed}, ${numRuns} runs; FC_SEED=${seed} to replay)`, () => {
  it('classify never throws; a readable connection flag is refused; read only for an exact read shape', () => {
    // printed so a CI failure can be replayed
    process.stdout.write(`commands-properties: FC_SEED=${seed} FC_RUNS=${numRuns}\n`);
    const tally = { refused: 0, read: 0, connection: 0 };
    fc.assert(
      fc.property(anyArgv, (argv) => {
        const c = classify(argv); // (a): a throw fails the property
        if (mayReadConnection(argv)) {
          tally.connection++;
          expect(c.ok, `(b) ${show(argv)} may be read with a connection flag`).toBe(false);
        }
        if (!c.ok) tally.refused++;
        if (c.ok && c.value.effect === 'read') {
          tally.read++;
          expect(isExactRead(argv), `(c) ${show(argv)} classed read (${c.value.shape})`).toBe(true);
        }
      }),
      { seed, numRuns },
    );
    // the generator reaches every verdict it is meant to test
    expect(tally.connection).toBeGreaterThan(numRuns / 20);
    expect(tally.read).toBeGreaterThan(numRuns / 50);
  });

  it('an exact read shape is classed read (the oracle and the registry agree both ways)', () => {
    fc.assert(
      fc.property(anyArgv, (argv) => {
        if (!isExactRead(argv) || mayReadConnection(argv)) return;
        // a value that merely looks like a connection flag (`--tail -n`) is refused on sight
        if (
          argv.some((t) =>
            /^(?:-[nec]|--(?:nodes|endpoints|talosconfig|context|cluster|siderov1-keys-dir)(?:=|$))/.test(t),
          )
        )
          return;
        if (argv.some((t) => /^[\u00ad\u2010-\u2015\u2212\uff0d\ufe63]/.test(t))) return;
        const c = classify(argv);
        expect(c.ok && c.value.effect, show(argv)).toBe('read');
      }),
      { seed, numRuns: Math.min(numRuns, 4_000) },
    );
  });
});
