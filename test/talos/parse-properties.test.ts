import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import type { Member, MemberStatus } from '../../src/talos/observations.js';
import { toNodeOutcome } from '../../src/talos/outcome.js';
import { parseAlarms } from '../../src/talos/parse/alarms.js';
import { classifyError } from '../../src/talos/parse/errors.js';
import { parseLogs } from '../../src/talos/parse/logs.js';
import { parseMembers } from '../../src/talos/parse/members.js';
import { parseNoOutput } from '../../src/talos/parse/no-output.js';
import { parseRecovery } from '../../src/talos/parse/recovery.js';
import { parseService } from '../../src/talos/parse/service.js';
import { parseSnapshot } from '../../src/talos/parse/snapshot.js';
import { parseStatus } from '../../src/talos/parse/status.js';
import { parseClientVersion } from '../../src/talos/parse/version.js';

/** Go text/tabwriter with minwidth 0, padding 3, ' ', flags 0: what talosctl uses. */
function tabwrite(rows: readonly string[][]): string {
  const widths: number[] = [];
  for (const r of rows) {
    for (const [i, c] of r.slice(0, -1).entries()) widths[i] = Math.max(widths[i] ?? 0, c.length);
  }
  return rows
    .map((r) => r.map((c, i) => (i === r.length - 1 ? c : c.padEnd((widths[i] ?? 0) + 3))).join(''))
    .map((l) => `${l}\n`)
    .join('');
}

/** Header and rows, with the output flushed (realigned) after `cut` rows. */
function render(header: string[], rows: string[][], cut: number, headerAlone: boolean): string {
  const k = Math.min(cut, rows.length);
  if (headerAlone)
    return tabwrite([header]) + tabwrite(rows.slice(0, k)) + (k < rows.length ? tabwrite(rows.slice(k)) : '');
  return tabwrite([header, ...rows.slice(0, k)]) + (k < rows.length ? tabwrite(rows.slice(k)) : '');
}

const hex16 = fc.stringMatching(/^[0-9a-f]{16}$/);
const ip = fc.tuple(fc.nat(255), fc.nat(255)).map(([a, b]) => `10.${a}.${b}.2`);
const node = fc.oneof(ip, fc.stringMatching(/^[a-z][a-z0-9-]{0,30}$/));
const url = fc.tuple(ip, fc.constantFrom(2379, 2380)).map(([h, p]) => `https://${h}:${p}`);
const layout = { cut: fc.nat(12), headerAlone: fc.boolean() };

const member: fc.Arbitrary<Member> = fc.record({
  node,
  id: hex16,
  name: fc.oneof(fc.constant(''), fc.stringMatching(/^[a-z][a-z0-9.-]{0,20}$/)),
  peerUrls: fc.array(url, { minLength: 1, maxLength: 3 }),
  clientUrls: fc.array(url, { maxLength: 2 }),
  learner: fc.boolean(),
});

const UNITS = [
  ['B', 1],
  ['kB', 1e3],
  ['MB', 1e6],
  ['GB', 1e9],
] as const;
const size = fc
  .tuple(fc.integer({ min: 0, max: 999 }), fc.nat(9), fc.boolean(), fc.nat(UNITS.length - 1))
  .map(([whole, frac, withFrac, u]) => {
    const [unit, mult] = UNITS[u] ?? UNITS[0];
    const text = withFrac && unit !== 'B' ? `${whole}.${frac}` : `${whole}`;
    return { printed: `${text} ${unit}`, bytes: Math.round(Number(text) * mult) };
  });
const word = fc.stringMatching(/^[a-z][a-z:]{0,10}$/);

const statusRow = fc.record({
  node,
  member: hex16,
  db: size,
  inUse: size,
  pct: fc.integer({ min: 0, max: 10000 }),
  leader: hex16,
  raftIndex: fc.nat(),
  raftTerm: fc.nat(),
  raftAppliedIndex: fc.nat(),
  learner: fc.boolean(),
  protocol: fc.constantFrom('3.6.4', '3.5.16', '3.7.1'),
  storage: fc.constantFrom('3.6.0', 'unknown', ''),
  errors: fc.array(
    fc.array(word, { minLength: 1, maxLength: 3 }).map((w) => w.join(' ')),
    { maxLength: 2 },
  ),
});

describe('tables rendered like talosctl parse back to the same values', () => {
  it('etcd members: random widths, blank cells, a mid-output flush', () => {
    fc.assert(
      fc.property(fc.array(member, { maxLength: 10 }), layout.cut, layout.headerAlone, (members, cut, alone) => {
        const header = ['NODE', 'ID', 'HOSTNAME', 'PEER URLS', 'CLIENT URLS', 'LEARNER'];
        const rows = members.map((m) => [
          m.node,
          m.id,
          m.name,
          m.peerUrls.join(','),
          m.clientUrls.join(','),
          String(m.learner),
        ]);
        const r = parseMembers(render(header, rows, cut, alone));
        expect(r).toEqual({ ok: true, value: members });
      }),
      { numRuns: 300 },
    );
  });

  it('etcd status: cells with spaces, blank STORAGE/ERRORS, a mid-output flush', () => {
    fc.assert(
      fc.property(fc.array(statusRow, { maxLength: 10 }), layout.cut, layout.headerAlone, (rows, cut, alone) => {
        const header = ['NODE', 'MEMBER', 'DB SIZE', 'IN USE', 'LEADER', 'RAFT INDEX', 'RAFT TERM'];
        header.push('RAFT APPLIED INDEX', 'LEARNER', 'PROTOCOL', 'STORAGE', 'ERRORS');
        const pct = (p: number): string => (p / 100).toFixed(2);
        const cells = rows.map((s) => [
          s.node,
          s.member,
          s.db.printed,
          `${s.inUse.printed} (${pct(s.pct)}%)`,
          s.leader,
          String(s.raftIndex),
          String(s.raftTerm),
          String(s.raftAppliedIndex),
          String(s.learner),
          s.protocol,
          s.storage,
          s.errors.join(', '),
        ]);
        const expected: MemberStatus[] = rows.map((s) => ({
          node: s.node,
          member: s.member,
          dbSizeBytes: s.db.bytes,
          inUseBytes: s.inUse.bytes,
          inUsePercent: Number(pct(s.pct)),
          leader: s.leader,
          raftIndex: s.raftIndex,
          raftTerm: s.raftTerm,
          raftAppliedIndex: s.raftAppliedIndex,
          learner: s.learner,
          protocol: s.protocol,
          storage: s.storage === '' ? undefined : s.storage,
          errors: s.errors,
        }));
        expect(parseStatus(render(header, cells, cut, alone))).toEqual({ ok: true, value: expected });
      }),
      { numRuns: 300 },
    );
  });

  it('etcd alarm list: rows in any order', () => {
    const alarm = fc.record({ node, member: hex16, kind: fc.constantFrom('NONE', 'NOSPACE', 'CORRUPT' as const) });
    fc.assert(
      fc.property(fc.array(alarm, { minLength: 1, maxLength: 8 }), layout.cut, (alarms, cut) => {
        const rows = alarms.map((a) => [a.node, a.member, a.kind]);
        expect(parseAlarms(render(['NODE', 'MEMBER', 'ALARM'], rows, cut, false))).toEqual({ ok: true, value: alarms });
      }),
    );
  });
});

const PARSERS: ReadonlyArray<[string, (s: string) => unknown]> = [
  ['members', parseMembers],
  ['status', parseStatus],
  ['alarms', parseAlarms],
  ['snapshot', (s) => parseSnapshot(s, 0)],
  ['snapshot exit 1', (s) => parseSnapshot(s, 1)],
  ['service', parseService],
  ['recovery', parseRecovery],
  ['no-output', parseNoOutput],
  ['version', parseClientVersion],
  ['logs', (s) => parseLogs(s)],
  ['logs of a node', (s) => parseLogs(s, '10.0.0.1')],
];

/** Strings that look a little like talosctl output, so the parsers get past their first checks. */
const noisy = fc
  .array(
    fc.oneof(
      fc.string(),
      fc.constantFrom('NODE', 'ID', 'MEMBER', 'ALARM', 'EVENTS', '[Running]: ', ' (1s ago)', 'a49c021e76e707db', '   '),
      fc.constantFrom('\n', '\t', '"', '\\x', 'etcd snapshot saved to "', 'rpc error: code = ', 'error from node '),
    ),
    { maxLength: 30 },
  )
  .map((parts) => parts.join(''));

describe('no input makes a parser throw', () => {
  it.each(PARSERS)('%s returns a ParseResult for any string', (_name, parse) => {
    fc.assert(
      fc.property(fc.oneof(fc.string({ unit: 'binary' }), noisy), (s) => {
        const r = parse(s) as { ok: boolean; error?: { raw: string } };
        expect(typeof r.ok).toBe('boolean');
        if (!r.ok) expect(r.error?.raw).toBe(s);
      }),
      { numRuns: 400 },
    );
  });

  it('random bytes decoded as text never throw', () => {
    fc.assert(
      fc.property(fc.uint8Array({ maxLength: 400 }), (bytes) => {
        const s = Buffer.from(bytes).toString('utf8');
        for (const [, parse] of PARSERS) expect(() => parse(s)).not.toThrow();
        expect(() => classifyError(s)).not.toThrow();
      }),
      { numRuns: 300 },
    );
  });

  it('classifyError and toNodeOutcome accept any stderr', () => {
    fc.assert(
      fc.property(noisy, fc.integer({ min: -1, max: 255 }), (s, exitCode) => {
        const info = classifyError(s);
        expect(info.raw).toBe(s);
        const o = toNodeOutcome({
          argv: [],
          binary: 'talosctl',
          node: 'n',
          pid: undefined,
          exitCode,
          signal: null,
          stdout: s,
          stderr: s,
          durationMs: 0,
          timedOut: false,
          canceled: false,
        });
        if (exitCode !== 0) expect(o.ok).toBe(false);
      }),
      { numRuns: 400 },
    );
  });

  it('a non-string input is a not-text error, not a crash', () => {
    const r = parseMembers(42 as unknown as string);
    expect(r.ok).toBe(false);
    if (!r.ok) expect(r.error.code).toBe('not-text');
  });
});
