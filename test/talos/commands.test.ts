import { describe, expect, it } from 'vitest';
import { type Classification, classify, type Effect, SHAPES } from '../../src/talos/commands.js';
import { OPAQUE, type Token } from '../../src/talos/flag-grammar.js';

/**
 * The command registry, row by row: each argv shape with the class talosctl's behaviour calls
 * for, and for a refusal the token it names. Anything not matched exactly is irreversible; a flag
 * that moves the call to other nodes or clusters is refused however talosctl lets it be spelled.
 */

type Expected = Effect | { refused: string; index: number };
interface Row {
  argv: readonly Token[];
  want: Expected;
  /** a typed gate is (not) required */
  gate?: boolean;
  /** the shape matched exactly (true) or the irreversible fallback (false) */
  known?: boolean;
}

const r = (argv: readonly Token[], want: Expected, extra: Omit<Row, 'argv' | 'want'> = {}): Row => ({
  argv,
  want,
  ...extra,
});
const refused = (index: number, flag: string): Expected => ({ refused: flag, index });
const unknown = (argv: readonly Token[]): Row => r(argv, 'irreversible', { known: false, gate: true });

const ROWS: readonly Row[] = [
  // ── every shape of the registry ──
  r(['etcd', 'members'], 'read', { known: true, gate: false }),
  r(['etcd', 'status'], 'read', { known: true }),
  r(['etcd', 'alarm', 'list'], 'read', { known: true }),
  r(['etcd', 'alarm', 'disarm'], 'irreversible', { known: true, gate: true }),
  r(['etcd', 'defrag'], 'disruptive', { known: true, gate: false }),
  r(['etcd', 'forfeit-leadership'], 'disruptive', { known: true, gate: false }),
  r(['etcd', 'leave'], 'irreversible', { known: true, gate: true }),
  r(['etcd', 'remove-member', 'f3e2d1c0b9a89776'], 'irreversible', { known: true, gate: true }),
  r(['etcd', 'snapshot', './etcd.snapshot'], 'local-write', { known: true, gate: false }),
  r(['bootstrap'], 'irreversible', { known: true, gate: true }),
  r(['reset'], 'irreversible', { known: true, gate: true }),
  r(['reboot'], 'disruptive', { known: true, gate: true }),
  r(['shutdown'], 'irreversible', { known: true, gate: true }),
  r(['shutdown', '--force'], 'irreversible', { known: true }),
  r(['upgrade'], 'disruptive', { known: true, gate: true }),
  r(['apply-config', '-f', 'cp.yaml'], 'disruptive', { known: true, gate: true }),
  r(['logs', 'etcd'], 'read', { known: true }),
  r(['logs', 'etcd', '-f', '--tail', '50', '-k'], 'read', { known: true }),
  r(['logs', 'etcd', '--tail=-1'], 'read', { known: true }),
  r(['dmesg'], 'read', { known: true }),
  r(['dmesg', '--follow', '--tail'], 'read', { known: true }),
  r(['get', 'members'], 'read', { known: true }),
  r(['get', 'services', 'etcd', '-o', 'json', '--namespace', 'runtime'], 'read', { known: true }),
  r(['version'], 'read', { known: true }),
  r(['version', '--client', '--short'], 'read', { known: true }),
  r(['health'], 'read', { known: true }),
  r(['health', '--server=false', '--wait-timeout', '2m'], 'read', { known: true }),
  r(['time'], 'read', { known: true }),
  r(['time', '--check', 'pool.ntp.org'], 'read', { known: true }),
  // ── service ──
  r(['service'], 'read', { known: true }),
  r(['service', 'etcd'], 'read', { known: true }),
  r(['service', 'etcd', 'status'], 'read', { known: true }),
  r(['service', 'etcd', 'start'], 'disruptive', { known: true, gate: false }),
  r(['service', 'etcd', 'stop'], 'disruptive', { known: true }),
  r(['service', 'etcd', 'restart'], 'disruptive', { known: true }),
  r(['services', 'etcd', 'stop'], 'disruptive', { known: true }),
  r(['services', 'etcd'], 'read', { known: true }),
  r(['service', '-i', 'etcd', 'stop'], 'disruptive', { known: true }),
  unknown(['service', 'etcd', 'kill']),
  unknown(['service', 'etcd', 'status', 'now']),
  unknown(['service', 'etcd', 'Stop']),
  // ── apply-config: every spelling of --mode ──
  r(['apply-config', '-f', 'cp.yaml', '--mode=reboot'], 'disruptive', { gate: true }),
  r(['apply-config', '-f', 'cp.yaml', '--mode', 'reboot'], 'disruptive', { gate: true }),
  r(['apply-config', '-f', 'cp.yaml', '-m', 'reboot'], 'disruptive', { gate: true }),
  r(['apply-config', '-f', 'cp.yaml', '-mreboot'], 'disruptive', { gate: true }),
  r(['apply-config', '-f', 'cp.yaml', '-m=reboot'], 'disruptive', { gate: true }),
  r(['apply-config', '-f', 'cp.yaml', '--mode=auto'], 'disruptive', { gate: true }),
  r(['apply-config', '-f', 'cp.yaml', '--mode=no-reboot'], 'disruptive', { gate: false }),
  r(['apply-config', '-f', 'cp.yaml', '-mstaged'], 'disruptive', { gate: false }),
  r(['apply-config', '-fcp.yaml', '-m', 'try', '--timeout', '1m'], 'disruptive', { gate: false }),
  r(['apply', '-f', 'cp.yaml', '--mode', 'no-reboot'], 'disruptive', { gate: false }),
  r(['apply-config', '-f', 'cp.yaml', '--dry-run'], 'read', { known: true }),
  r(['apply-config', '-f', 'cp.yaml', '--dry-run=true', '--mode=reboot'], 'read'),
  r(['apply-config', '-f', 'cp.yaml', '--dry-run=false'], 'disruptive', { gate: true }),
  r(['apply-config', '-f', 'cp.yaml', '--dry-run=0', '-m', 'no-reboot'], 'disruptive', { gate: false }),
  unknown(['apply-config', '-f', 'cp.yaml', '--dry-run', 'false']),
  unknown(['apply-config', '-f', 'cp.yaml', '--dry-run=maybe']),
  unknown(['apply-config', '-f', 'cp.yaml', '--mode', 'Reboot']),
  unknown(['apply-config', '-f', 'cp.yaml', '-m']),
  unknown(['apply-config', '-f', 'cp.yaml', '-m', OPAQUE]),
  // ── reset ──
  r(['reset', '--graceful=false'], 'irreversible', { known: true, gate: true }),
  r(['reset', '--graceful=false', '--reboot'], 'irreversible', { known: true }),
  r(['reset', '--system-labels-to-wipe', 'EPHEMERAL'], 'irreversible', { known: true }),
  r(['reset', '--system-labels-to-wipe=EPHEMERAL,STATE'], 'irreversible', { known: true }),
  r(['reset', '--wipe-mode', 'user-disks', '--user-disks-to-wipe', '/dev/sdb'], 'irreversible', { known: true }),
  r(['reset', '--wipe-mode=system-disk', '--wait=false'], 'irreversible', { known: true }),
  unknown(['reset', '--wipe-mode', 'everything']),
  unknown(['reset', '--graceful', 'false']),
  unknown(['reset', '--graceful=nope']),
  // ── upgrade ──
  r(['upgrade', '--image', 'ghcr.io/siderolabs/installer:v1.14.0'], 'disruptive', { known: true, gate: true }),
  r(['upgrade', '-i', 'ghcr.io/siderolabs/installer:v1.14.0', '--stage'], 'disruptive', { gate: true }),
  r(['upgrade', '-s', '-p'], 'disruptive', { gate: true }),
  r(['upgrade', '--force'], 'irreversible', { known: true, gate: true }),
  r(['upgrade', '-f'], 'irreversible', { known: true }),
  r(['upgrade', '-sf'], 'irreversible', { known: true }),
  r(['upgrade', '--force=false'], 'disruptive', { known: true }),
  r(['upgrade', '-f=false', '--stage'], 'disruptive', { known: true }),
  // ── reboot ──
  r(['reboot', '--mode', 'powercycle'], 'disruptive', { known: true, gate: true }),
  r(['reboot', '-m', 'force'], 'disruptive', { known: true }),
  unknown(['reboot', '--mode', 'kexec']),
  unknown(['reboot', '--mode', OPAQUE]),
  // ── etcd snapshot / remove-member / bootstrap ──
  r(['etcd', 'snapshot', '/var/backups/etcd.snapshot'], 'local-write', { known: true }),
  r(['etcd', 'snapshot', OPAQUE], 'local-write', { known: true }),
  unknown(['etcd', 'snapshot']),
  unknown(['etcd', 'snapshot', 'a', 'b']),
  r(['etcd', 'remove-member', 'F3E2D1C0B9A89776'], 'irreversible', { known: true }),
  r(['etcd', 'remove-member', OPAQUE], 'irreversible', { known: true, gate: true }),
  unknown(['etcd', 'remove-member', 'cp-3']),
  unknown(['etcd', 'remove-member', '12345678901234567']),
  unknown(['etcd', 'remove-member']),
  unknown(['etcd', 'remove-member', 'f3e2d1c0b9a89776', 'a49c021e76e707db']),
  r(['bootstrap', '--recover-from', './db.snapshot'], 'irreversible', { known: true }),
  r(['bootstrap', '--recover-from', 'x', '--recover-skip-hash-check'], 'irreversible', { known: true, gate: true }),
  r(['bootstrap', '--recover-from=x', '--recover-skip-hash-check=false'], 'irreversible', { known: true }),
  unknown(['bootstrap', '--recover-skip-hash-check=perhaps']),
  // ── connection flags, every spelling ──
  r(['etcd', 'members', '-n10.0.0.3'], refused(2, '-n10.0.0.3')),
  r(['etcd', 'members', '-n', '10.0.0.3'], refused(2, '-n')),
  r(['etcd', 'members', '-n=10.0.0.3'], refused(2, '-n')),
  r(['etcd', 'members', '--nodes', '10.0.0.3'], refused(2, '--nodes')),
  r(['etcd', 'members', '--nodes=10.0.0.3'], refused(2, '--nodes')),
  r(['etcd', 'status', '-e10.9.9.9'], refused(2, '-e10.9.9.9')),
  r(['etcd', 'status', '--endpoints=10.9.9.9:50000'], refused(2, '--endpoints')),
  r(['etcd', 'status', '--endpoints', '10.9.9.9'], refused(2, '--endpoints')),
  r(['logs', 'etcd', '-in10.9.9.9'], refused(2, '-in10.9.9.9')),
  r(['logs', 'etcd', '-fkn10.9.9.9'], refused(2, '-fkn10.9.9.9')),
  r(['upgrade', '-fn10.5.0.3'], refused(1, '-fn10.5.0.3')),
  r(['upgrade', '-sfe10.5.0.3'], refused(1, '-sfe10.5.0.3')),
  r(['etcd', 'leave', '-c', 'x'], refused(2, '-c')),
  r(['etcd', 'leave', '--cluster=x'], refused(2, '--cluster')),
  r(['etcd', 'defrag', '--context=x'], refused(2, '--context')),
  r(['etcd', 'defrag', '--context', 'x'], refused(2, '--context')),
  r(['version', '--talosconfig=/x'], refused(1, '--talosconfig')),
  r(['version', '--siderov1-keys-dir=/x'], refused(1, '--siderov1-keys-dir')),
  r(['etcd', 'members', '--', '-n', '10.0.0.3'], refused(3, '-n')),
  r(['service', 'etcd', '--', '--nodes=10.0.0.3'], refused(3, '--nodes')),
  r(['logs', 'etcd', '--tail', '-n'], refused(3, '-n')),
  r(['apply-config', '-f', 'cp.yaml', '-p', '--nodes=10.0.0.3'], refused(4, '--nodes')),
  r(['-n', '10.0.0.3', 'etcd', 'members'], refused(0, '-n')),
  r(['frobnicate', '-fn10.0.0.3'], refused(1, '-fn10.0.0.3')),
  r(['frobnicate', '--x', '-fn10.0.0.3'], refused(2, '-fn10.0.0.3')),
  r(['etcd', 'status', '-hn10.0.0.3'], refused(2, '-hn10.0.0.3')),
  r(['dmesg', '-ftn1'], refused(1, '-ftn1')),
  r(['reset', '-in10.0.0.3', '--graceful=maybe'], refused(1, '-in10.0.0.3')),
  // a connection flag the grammar read, then a flag the registry does not know (found by this table)
  r(['upgrade', '-fn10.5.0.3', '--bogus'], refused(1, '-fn10.5.0.3')),
  // a flag the registry does not know may be a bool of talosctl's: the cluster after it is read
  r(['upgrade', '--bogus', '-fn10.5.0.3'], refused(2, '-fn10.5.0.3')),
  r(['logs', 'etcd', '--since', '1h', '-fn10.0.0.3'], refused(4, '-fn10.0.0.3')),
  // ── look-alike dashes before a flag name ──
  r(['etcd', 'members', '\u2010n', '10.0.0.3'], refused(2, '\u2010n')),
  r(['etcd', 'members', '\u2011\u2011nodes=10.0.0.3'], refused(2, '\u2011\u2011nodes=10.0.0.3')),
  r(['etcd', 'members', '\u2212n10.0.0.3'], refused(2, '\u2212n10.0.0.3')),
  r(['etcd', 'leave', '\uff0d\uff0dforce'], refused(2, '\uff0d\uff0dforce')),
  r(['etcd', 'members', '\u00ad-nodes', '10.0.0.3'], refused(2, '\u00ad-nodes')),
  r(['etcd', 'members', '\u2014nodes=1'], refused(2, '\u2014nodes=1')),
  r(['\u2014n', '10.0.0.3', 'etcd', 'members'], refused(0, '\u2014n')),
  r(['etcd', 'members', '-\u2010n'], refused(2, '-\u2010n')),
  // ── not matched exactly: never a read ──
  unknown(['etcd', 'members', '--no\u200bdes=10.0.0.3']),
  unknown(['etcd', 'members', '--no\u200bdes', '10.0.0.3']),
  unknown(['etcd', 'members', '--Nodes', '10.0.0.3']),
  unknown(['etcd', 'members', '-N', '10.0.0.3']),
  unknown(['ETCD', 'LEAVE']),
  unknown(['Etcd', 'members']),
  unknown(['etcd', 'MEMBERS']),
  unknown(['etcd', 'members', '-h']),
  unknown(['etcd', 'members', 'extra']),
  unknown(['etcd', 'members', '--', 'x']),
  unknown(['etcd']),
  unknown(['etcd', 'alarm']),
  unknown(['constructor']),
  unknown(['__proto__']),
  unknown(['etcd', '__proto__']),
  unknown(['toString']),
  unknown(['frobnicate']),
  unknown([]),
  unknown(['']),
  // ── OPAQUE (refs) ──
  unknown(['service', 'etcd', OPAQUE]),
  r(['service', OPAQUE], 'read', { known: true }),
  r(['reset', '--system-labels-to-wipe', OPAQUE], 'irreversible', { gate: true }),
  unknown([OPAQUE, 'members']),
];

function summary(c: Classification): string {
  return c.ok
    ? `${c.value.effect} (${c.value.known ? 'known' : 'unknown'}, gate ${c.value.gate})`
    : `refused [${c.refusal.index}] ${c.refusal.flag}`;
}

const show = (argv: readonly Token[]) =>
  JSON.stringify(argv.map((t) => (t === OPAQUE ? '<ref>' : t))).replace(/[^\x20-\x7e]/g, (ch) => {
    return `\\u${(ch.codePointAt(0) ?? 0).toString(16).padStart(4, '0')}`;
  });

describe('command registry: argv table', () => {
  it('has at least 80 rows', () => {
    expect(ROWS.length).toBeGreaterThanOrEqual(80);
  });

  it('covers every shape of the registry', () => {
    for (const s of SHAPES) {
      const name = s.path.join(' ');
      const hit = ROWS.some((row) => {
        const c = classify(row.argv);
        return c.ok && c.value.known && c.value.shape.startsWith(name);
      });
      expect(hit, name).toBe(true);
    }
  });

  it.each(ROWS.map((row) => [show(row.argv), row] as const))('%s', (_name, row) => {
    const c = classify(row.argv);
    if (typeof row.want === 'string') {
      expect(c.ok, summary(c)).toBe(true);
      if (!c.ok) return;
      expect(c.value.effect, summary(c)).toBe(row.want);
      if (row.known !== undefined) expect(c.value.known, summary(c)).toBe(row.known);
      if (row.gate !== undefined) expect(c.value.gate, summary(c)).toBe(row.gate);
      // a command needing a gate is at least disruptive; unknown is always irreversible
      if (!c.value.known) expect(c.value.effect).toBe('irreversible');
    } else {
      expect(c.ok, summary(c)).toBe(false);
      if (c.ok) return;
      expect({ index: c.refusal.index, flag: c.refusal.flag }).toEqual({
        index: row.want.index,
        flag: row.want.refused,
      });
      expect(c.refusal.reason.length).toBeGreaterThan(10);
    }
  });
});
