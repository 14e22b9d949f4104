import { execFileSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it, onTestFinished } from 'vitest';
import { parseAllDocuments } from 'yaml';
import { checkRecipients } from '../../src/backup/age-keys.js';
import { keepPolicyFromFlags, parseKeepPolicy } from '../../src/backup/keep-policy.js';
import { parseMaxAge } from '../../src/backup/status.js';
import { parseTargetUrl } from '../../src/backup/target-url.js';
import { expand, type Parsed, parseEnvFile, parseTalosDr, shellCommands, shellWords } from './deploy-cli.js';

/**
 * The shipped scheduling files (deploy/): each parses as its reader parses it (cron, systemd,
 * Kubernetes YAML), and each talos-dr command line in them (and in docs/backups.md) is accepted
 * by the real CLI with values its own parsers accept.
 */

const DEPLOY = fileURLToPath(new URL('../../deploy/', import.meta.url));
const read = (p: string) => readFileSync(join(DEPLOY, p), 'utf8');
const ENV = parseEnvFile(read('talos-dr-backup.env'));
const AGE_RECIPIENT = /^age1[02-9ac-hj-np-z]{58}$/;

/** The checks every shipped talos-dr line must pass beyond commander's: values its parsers accept. */
async function checkValues(p: Parsed, env: Record<string, string>): Promise<void> {
  const o = p.opts as Record<string, string | string[] | undefined>;
  const target = (o.target as string | undefined) ?? env.TALOS_DR_BACKUP_TARGET;
  expect(target, `${p.command}: no --target and no TALOS_DR_BACKUP_TARGET`).toBeDefined();
  parseTargetUrl(target ?? '', { cwd: '/', flag: '--target' });
  if (p.command === 'backup run') {
    const nodes = (o.param as string[]).find((x) => x.startsWith('nodes='))?.slice(6) ?? '';
    expect(nodes.split(',').every((n) => /^[\w.:-]+$/.test(n))).toBe(true);
    expect(o.talosconfig).toMatch(/^\//);
    expect(o.encryptTo).toHaveLength(1);
    await checkRecipients(o.encryptTo as string[]); // age's own parser: bech32 checksum and all
    expect(keepPolicyFromFlags(o as never)).toBeDefined();
  }
  if (p.command === 'backup status') {
    expect(o.format).toBe('prometheus');
    expect(o.out).toMatch(/^\/var\/lib\/prometheus\/node-exporter\/[\w-]+\.prom$/);
    if (o.maxAge !== undefined) parseMaxAge(o.maxAge as string);
  }
}

async function talosDrLines(lines: readonly string[][], env: Record<string, string>): Promise<string[]> {
  const seen: string[] = [];
  for (const argv of lines) {
    expect(argv[0]).toMatch(/(^|\/)talos-dr$/);
    const p = await parseTalosDr(argv.slice(1));
    await checkValues(p, env);
    seen.push(p.command);
  }
  return seen;
}

/** One cron schedule field: a star, a number or a range, each with an optional /step, comma lists, within [min, max]. */
function cronField(f: string, min: number, max: number): boolean {
  return f.split(',').every((item) => {
    const m = /^(\*|(\d+)(?:-(\d+))?)(?:\/(\d+))?$/.exec(item);
    if (m === null) return false;
    const [lo, hi, step] = [m[2], m[3], m[4]].map((x) => (x === undefined ? undefined : Number(x)));
    if (step !== undefined && step < 1) return false;
    return [lo, hi].every((v) => v === undefined || (v >= min && v <= max)) && (hi === undefined || (lo ?? 0) <= hi);
  });
}
const CRON_RANGES: [number, number][] = [
  [0, 59],
  [0, 23],
  [1, 31],
  [1, 12],
  [0, 7],
];

function parseUnit(text: string): Map<string, [string, string][]> {
  const sections = new Map<string, [string, string][]>();
  let current: [string, string][] | undefined;
  for (const line of text.split('\n')) {
    if (line.trim() === '' || /^[#;]/.test(line)) continue;
    const section = /^\[(\w+)\]$/.exec(line);
    if (section) {
      current = [];
      sections.set(section[1] as string, current);
      continue;
    }
    const kv = /^([A-Za-z]+)=(.*)$/.exec(line);
    expect(kv, `not Key=Value: ${line}`).not.toBeNull();
    expect(line.endsWith('\\'), 'no continuation lines').toBe(false);
    expect(current, `${line} before any [Section]`).toBeDefined();
    current?.push([kv?.[1] as string, kv?.[2] as string]);
  }
  return sections;
}
const get = (u: Map<string, [string, string][]>, s: string, k: string) =>
  u
    .get(s)
    ?.filter(([key]) => key === k)
    .map(([, v]) => v) ?? [];

describe('deploy/: the shipped scheduling files', () => {
  it('the env file is plain KEY=value that systemd and sh read alike, with usable values', async () => {
    expect(Object.keys(ENV)).toEqual(
      expect.arrayContaining(['TALOS_DR_BACKUP_TARGET', 'TALOS_DR_KEEP', 'TALOSCONFIG']),
    );
    parseKeepPolicy(ENV.TALOS_DR_KEEP ?? '');
    expect(ENV.TALOS_DR_AGE_RECIPIENT).toMatch(AGE_RECIPIENT);
    await checkRecipients([ENV.TALOS_DR_AGE_RECIPIENT ?? '']);
  });

  it('cron: a schedule of five valid fields, a user, and talos-dr lines the CLI accepts', async () => {
    const lines = read('cron/talos-dr-backup')
      .split('\n')
      .filter((l) => l.trim() !== '' && !l.startsWith('#'));
    const vars = lines.filter((l) => /^[A-Z_]+=/.test(l));
    expect(vars).toEqual([
      'SHELL=/bin/sh',
      'PATH=/usr/local/bin:/usr/bin:/bin',
      'XDG_STATE_HOME=/var/lib/talos-dr',
      'TMPDIR=/var/tmp',
    ]);
    const jobs = lines.filter((l) => !/^[A-Z_]+=/.test(l));
    expect(jobs).toHaveLength(1);
    const m = /^(\S+)\s+(\S+)\s+(\S+)\s+(\S+)\s+(\S+)\s+(\S+)\s+(.*)$/.exec(jobs[0] ?? '');
    const fields = m?.slice(1, 6) ?? [];
    expect(fields.map((f, i) => cronField(f, ...(CRON_RANGES[i] as [number, number])))).toEqual(
      [1, 2, 3, 4, 5].map(() => true),
    );
    expect(m?.[6]).toBe('talos-dr');
    const command = m?.[7] ?? '';
    expect(command).not.toContain('%'); // cron turns % into a newline
    const parts = shellCommands(command);
    expect(parts.slice(0, 3)).toEqual(['set -a', '. /etc/talos-dr/backup.env', 'set +a']);
    const talosDr = parts.filter((c) => c.startsWith('talos-dr '));
    const seen = await talosDrLines(
      talosDr.map((c) => shellWords(c, ENV)),
      ENV,
    );
    expect(seen).toEqual(['backup run', 'backup status']);
    // status after `;`: it runs (and writes the metrics) when the run failed too
    expect(command).toMatch(/; talos-dr backup status /);
  });

  it('systemd: a oneshot service and a persistent, spread timer; ExecStart lines the CLI accepts', async () => {
    const service = parseUnit(read('systemd/talos-dr-backup.service'));
    const timer = parseUnit(read('systemd/talos-dr-backup.timer'));
    expect(get(service, 'Service', 'Type')).toEqual(['oneshot']);
    expect(get(service, 'Service', 'EnvironmentFile')).toEqual(['/etc/talos-dr/backup.env']);
    expect(get(service, 'Service', 'MemoryDenyWriteExecute')).toEqual([]); // Node's JIT needs it off
    expect(get(service, 'Service', 'RestrictAddressFamilies')[0]?.split(' ')).toEqual(
      expect.arrayContaining(['AF_INET', 'AF_INET6']),
    );
    expect(get(timer, 'Timer', 'Persistent')).toEqual(['true']);
    expect(get(timer, 'Timer', 'RandomizedDelaySec')).toHaveLength(1);
    expect(get(timer, 'Install', 'WantedBy')).toEqual(['timers.target']);
    const env = { ...ENV, TALOSCONFIG: ENV.TALOSCONFIG ?? '' };
    const exec = [...get(service, 'Service', 'ExecStart'), ...get(service, 'Service', 'ExecStopPost')];
    // systemd: a leading - ignores the exit code; ${X} is one word, so split first, expand after
    const argv = exec.map((v) =>
      v
        .replace(/^[-@:+!]+/, '')
        .split(/\s+/)
        .map((w) => expand(w, env)),
    );
    expect(argv.map((a) => a[0])).toEqual(['/usr/local/bin/talos-dr', '/usr/local/bin/talos-dr']);
    expect(await talosDrLines(argv, env)).toEqual(['backup run', 'backup status']);
    expect(get(service, 'Service', 'ExecStopPost')[0]).toMatch(/^-/);
  });

  it.runIf(existsSync('/usr/bin/systemd-analyze'))('systemd: systemd-analyze verify accepts the units', () => {
    const dir = mkdtempSync(join(tmpdir(), 'tdr-units-'));
    onTestFinished(() => rmSync(dir, { recursive: true, force: true }));
    // verify checks that ExecStart's binary exists: point it at one that does, the rest as shipped
    const service = read('systemd/talos-dr-backup.service').replaceAll('/usr/local/bin/talos-dr', '/bin/true');
    writeFileSync(join(dir, 'talos-dr-backup.service'), service);
    writeFileSync(join(dir, 'talos-dr-backup.timer'), read('systemd/talos-dr-backup.timer'));
    const units = ['talos-dr-backup.service', 'talos-dr-backup.timer'].map((u) => join(dir, u));
    expect(() => execFileSync('systemd-analyze', ['verify', '--man=no', ...units], { stdio: 'pipe' })).not.toThrow();
  });

  it('Kubernetes: Talos ServiceAccount with os:etcd:backup, its Secret mounted, a Forbid CronJob the CLI accepts', async () => {
    const docs = parseAllDocuments(read('kubernetes/talos-dr-backup-cronjob.yaml'));
    expect(docs.flatMap((d) => d.errors)).toEqual([]);
    // biome-ignore lint/suspicious/noExplicitAny: a Kubernetes manifest read as plain JSON
    const objs = docs.map((d) => d.toJS() as any);
    const kind = (k: string, api?: string) =>
      objs.filter((o) => o.kind === k && (api === undefined || o.apiVersion === api));
    const [sa] = kind('ServiceAccount', 'talos.dev/v1alpha1');
    expect(sa.spec.roles).toEqual(expect.arrayContaining(['os:etcd:backup', 'os:reader']));
    const [cron] = kind('CronJob', 'batch/v1');
    expect(cron.spec.concurrencyPolicy).toBe('Forbid');
    const fields = String(cron.spec.schedule).split(' ');
    expect(fields.map((f, i) => cronField(f, ...(CRON_RANGES[i] as [number, number])))).toEqual(
      [1, 2, 3, 4, 5].map(() => true),
    );
    const pod = cron.spec.jobTemplate.spec.template.spec;
    const ns = sa.metadata.namespace;
    expect(objs.every((o) => o.kind === 'Namespace' || o.metadata.namespace === ns)).toBe(true);
    const volume = pod.volumes.find(
      (v: { secret?: { secretName: string } }) => v.secret?.secretName === sa.metadata.name,
    );
    expect(volume, 'the Secret Talos makes for the ServiceAccount is mounted').toBeDefined();
    const [c] = pod.containers;
    const mount = c.volumeMounts.find((m: { name: string }) => m.name === volume.name);
    expect(mount.mountPath).toBe('/var/run/secrets/talos.dev');
    const secrets = new Map(kind('Secret', 'v1').map((s) => [s.metadata.name, s.stringData ?? {}]));
    for (const f of c.envFrom) expect(secrets.has(f.secretRef.name)).toBe(true);
    const env: Record<string, string> = Object.fromEntries(
      c.env.map((e: { name: string; value?: string; valueFrom?: { secretKeyRef: { name: string; key: string } } }) => [
        e.name,
        e.value ?? secrets.get(e.valueFrom?.secretKeyRef.name)?.[e.valueFrom?.secretKeyRef.key ?? ''],
      ]),
    );
    const argv = [...c.command, ...c.args.map((a: string) => expand(a, env))];
    const p = await parseTalosDr(argv.slice(1));
    expect(p.command).toBe('backup run');
    expect(p.opts.talosconfig).toBe(`${mount.mountPath}/config`);
    await talosDrLines([argv], env);
  });

  it('the three schedules agree: 02:17 UTC every day', () => {
    const cron = /^(\S+\s+\S+\s+\S+\s+\S+\s+\S+)\s+talos-dr/m.exec(read('cron/talos-dr-backup'))?.[1]?.split(/\s+/);
    expect(cron).toEqual(['17', '2', '*', '*', '*']);
    expect(read('systemd/talos-dr-backup.timer')).toContain('OnCalendar=*-*-* 02:17:00 UTC');
    expect(read('kubernetes/talos-dr-backup-cronjob.yaml')).toMatch(/schedule: "17 2 \* \* \*"\n\s+timeZone: Etc\/UTC/);
  });

  it('docs/backups.md: every talos-dr backup line in its sh blocks is accepted by the CLI', async () => {
    const md = readFileSync(fileURLToPath(new URL('../../docs/backups.md', import.meta.url)), 'utf8');
    const blocks = [...md.matchAll(/```sh\n([\s\S]*?)```/g)].map((m) => m[1] ?? '');
    const env = { ...ENV, PWD: '/src/talos-dr', HOME: '/home/op' };
    const TIMER = '"$(command -v talos-dr)" backup ';
    const lines = blocks
      .flatMap((b) => b.split('\n'))
      // the transient timer's command line counts too
      .map((l) => (l.includes(TIMER) ? `talos-dr ${l.slice(l.indexOf(TIMER) + TIMER.length - 7)}` : l))
      .filter((l) => l.startsWith('talos-dr backup '));
    const seen = new Set<string>();
    for (const l of lines) seen.add((await parseTalosDr(shellWords(l, env).slice(1))).command);
    expect([...seen].sort()).toEqual([
      'backup list',
      'backup restore-drill',
      'backup run',
      'backup status',
      'backup verify',
    ]);
  });
});
