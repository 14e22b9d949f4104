import { resolve } from 'node:path';
import { type Command, InvalidArgumentError, Option } from 'commander';
import { DEFAULT_LAB_TALOS_VERSION, LAB_TALOS_VERSIONS, type LabTalosVersion } from '../../lab/talos-versions.js';
import { parseDuration } from '../../runbook/params.js';
import type { Register } from './index.js';

/**
 * `talos-dr lab …`: a lab of real etcd members on loopback, managed like Talos manages them,
 * behind `bin/talosctl-lab`. The implementation is loaded only when a lab command runs.
 */

const int = (flag: string) => (v: string) => {
  if (!/^\d+$/.test(v)) throw new InvalidArgumentError(`${flag} must be a whole number`);
  return Number(v);
};

const duration = (flag: string) => (v: string) => {
  const ms = parseDuration(v);
  if (ms === undefined) throw new InvalidArgumentError(`${flag} must be a duration such as 3s, 500ms or 1m`);
  return ms;
};

/** What each network fault does to which packets (lab inject --help; docs/lab.md says the same). */
const NET_FAULTS_HELP = `
Network faults (root and nft; only the lab's own addresses, peer port 2380 and member groups):
  partition --node N         every packet of N's peer connections is dropped, both ways
  partition-oneway --node N  only the packets N sends to its peers are dropped (TCP then stalls too)
  latency --node N --ms M    N's peer connections go through a relay that delays each way by M/2 ms
  loss --node N --percent P  P% of the packets of N's peer connections are dropped, each way
  flap-leader [--cut 3s] [--every 10s]  the current leader is partitioned for --cut, every --every
The supervisor owns the rules (an nft table with flags owner): lab heal removes them, so do
lab down and the supervisor's death (the kernel deletes the table when its owner exits).`;

export const register: Register = (program, ctx, setResult) => {
  const lab = program
    .command('lab')
    .description('a lab of real etcd members on 127.0.0.11+ that answers like talosctl (bin/talosctl-lab)');
  const dirOf = (cmd: Command): string => {
    const d = (cmd.opts() as { dir?: string }).dir;
    return d ? resolve(ctx.cwd, d) : resolve(ctx.cwd, ctx.env.TALOS_DR_LAB_DIR ?? '.talos-dr/lab');
  };
  const dirOption = ['--dir <path>', 'lab state dir (default: $TALOS_DR_LAB_DIR or ./.talos-dr/lab)'] as const;

  lab
    .command('up')
    .description('start N members, wait until healthy, seed a known data set, start the supervisor')
    .option('--members <n>', 'number of members (127.0.0.11, .12, …)', int('--members'), 3)
    .option(...dirOption)
    .option(
      '--quota <bytes>',
      "etcd --quota-backend-bytes; small by default so the NOSPACE faults fill it in seconds (0: etcd's 2 GiB)",
      int('--quota'),
      33554432,
    )
    .option('--seed-keys <n>', 'keys to write under /lab/seed/', int('--seed-keys'), 100)
    .option(
      '--first-address <ip>',
      'first member address; members count up from it (a second lab needs its own range and --dir)',
      '127.0.0.11',
    )
    .addOption(talosVersionOption())
    .addOption(etcdVolumeOption())
    .action(
      async (
        opts: {
          members: number;
          quota: number;
          seedKeys: number;
          firstAddress: string;
          talosVersion: LabTalosVersion;
          etcdVolume: 'ephemeral' | 'dedicated';
        },
        cmd: Command,
      ) => {
        const { labUp, labTalosctl } = await import('../../lab/lab.js');
        const { checksum } = await import('../../lab/cluster.js');
        const { clientUrl } = await import('../../lab/etcdctl.js');
        const dir = dirOf(cmd);
        const r = await labUp({
          dir,
          members: opts.members,
          quotaBytes: opts.quota || null,
          seedKeys: opts.seedKeys,
          firstAddress: opts.firstAddress,
          talosVersion: opts.talosVersion,
          dedicatedEtcd: opts.etcdVolume === 'dedicated',
        });
        const sum = await checksum(
          r.lab.nodes.map((n) => clientUrl(n.ip)),
          r.lab.seedPrefix,
        );
        const shim = labTalosctl(dir);
        const nodes = r.lab.nodes.map((n) => n.ip).join(',');
        const lines = [
          `lab up: ${r.lab.nodes.length} members healthy in ${(r.elapsedMs / 1000).toFixed(2)} s (dir ${dir}), answering as Talos ${r.lab.talosVersion}${r.lab.dedicatedEtcd ? ' with a dedicated ETCD volume' : ''}`,
          ...r.lab.nodes.map((n) => `  ${n.name}  ${n.ip}  pid ${r.pids[n.name] ?? '?'}`),
          `  supervisor pid ${r.lab.supervisorPid ?? '?'}${r.lab.quotaBytes ? `, quota ${r.lab.quotaBytes} bytes` : ''}`,
          `seeded ${sum.keys} keys under ${r.lab.seedPrefix} (sha256 ${sum.sha256})`,
          '',
          'Point talos-dr at the lab:',
          `  export TALOS_DR_LAB_DIR=${dir}`,
          `  talos-dr run <runbook> --talosctl ${shim} --param nodes=${nodes}`,
          `  ${shim} --nodes ${r.lab.nodes[0]?.ip ?? '127.0.0.11'} etcd members`,
        ];
        ctx.stdout.write(`${lines.join('\n')}\n`);
        setResult(0);
      },
    );

  lab
    .command('down')
    .description('stop exactly the processes the lab started (by PID); keeps data and logs in the dir')
    .option(...dirOption)
    .action(async (_o: unknown, cmd: Command) => {
      const { labDown } = await import('../../lab/lab.js');
      const dir = dirOf(cmd);
      const r = await labDown(dir);
      ctx.stdout.write(
        `lab down: stopped ${r.stopped.length} process(es)${r.stopped.length ? ` (${r.stopped.join(', ')})` : ''} in ${dir}\n`,
      );
      setResult(0);
    });

  lab
    .command('status')
    .description("the nodes' modes, service states and PIDs")
    .option(...dirOption)
    .action(async (_o: unknown, cmd: Command) => {
      const { labStatus } = await import('../../lab/lab.js');
      const { tabwrite } = await import('../../lab/format.js');
      const s = labStatus(dirOf(cmd));
      const rows = s.nodes.map(
        ({ rec, alive }) =>
          `${rec.ip}\t${rec.name}\t${rec.mode}${rec.frozen ? ' (frozen)' : ''}\t${rec.state}\t${rec.health}\t${alive ? rec.pid : '-'}`,
      );
      const talos = `Talos ${s.lab.talosVersion ?? '1.14'}${s.lab.dedicatedEtcd ? ' (dedicated ETCD volume)' : ''}`;
      ctx.stdout.write(`lab ${s.lab.dir}: answering as ${talos}, supervisor ${s.supervisor ?? 'NOT RUNNING'}\n`);
      ctx.stdout.write(tabwrite(['NODE\tNAME\tMODE\tSTATE\tHEALTH\tPID', ...rows]));
      const { netStatusLines } = await import('../../lab/net-state.js');
      const net = netStatusLines(s.lab.dir, s.supervisor !== null);
      if (net.length) ctx.stdout.write(`${net.join('\n')}\n`);
      setResult(s.supervisor === null ? 1 : 0);
    });

  lab
    .command('checksum')
    .description('key count and sha256 of the seeded data (sorted keys + values under /lab/seed/)')
    .option(...dirOption)
    .option('--json', 'print JSON')
    .action(async (opts: { json?: boolean }, cmd: Command) => {
      const { labChecksum } = await import('../../lab/lab.js');
      const c = await labChecksum(dirOf(cmd));
      ctx.stdout.write(opts.json ? `${JSON.stringify(c)}\n` : `keys ${c.keys} sha256 ${c.sha256}\n`);
      setResult(0);
    });

  lab
    .command('inject')
    .description(
      'inject a fault: nospace | nospace-full | kill | lose | lag | stuck-learner | quorum-loss | corrupt-snapshot <file> | clock-skew --offset-ms <n> | partition | partition-oneway | latency --ms <n> | loss --percent <n> | flap-leader',
    )
    .argument('<fault>', 'the fault')
    .argument('[file]', 'the snapshot file (corrupt-snapshot)')
    .option('--node <node>', 'the node: an address (127.0.0.12), a name or an index (2)')
    .option('--offset-ms <n>', "clock-skew: move the node's clock by this many milliseconds (may be negative)", (v) => {
      if (!/^-?\d+$/.test(v)) throw new InvalidArgumentError('--offset-ms must be a whole number of milliseconds');
      return Number(v);
    })
    .option('--ms <n>', 'latency: the round trip between the node and each peer grows by n ms (2-10000)', int('--ms'))
    .option('--percent <n>', "loss: drop this share of the node's peer packets, each way (1-100)", int('--percent'))
    .option('--cut <duration>', 'flap-leader: how long each cut lasts (default 3s)', duration('--cut'))
    .option('--every <duration>', 'flap-leader: from one cut to the next (default 10s)', duration('--every'))
    .option(...dirOption)
    .addHelpText('after', NET_FAULTS_HELP)
    .action(
      async (
        fault: string,
        file: string | undefined,
        opts: { node?: string; offsetMs?: number; ms?: number; percent?: number; cut?: number; every?: number },
        cmd: Command,
      ) => {
        const { FAULTS, injectFault } = await import('../../lab/faults.js');
        const { makeError } = await import('../../io/errors.js');
        const f = FAULTS.find((x) => x === fault);
        if (!f)
          throw makeError('TDR_BAD_PARAM', { flag: 'fault', value: fault, reason: `known: ${FAULTS.join(', ')}` });
        const msg = await injectFault(dirOf(cmd), f, {
          ...(opts.node ? { node: opts.node } : {}),
          ...(file ? { file } : {}),
          ...(opts.offsetMs !== undefined ? { offsetMs: opts.offsetMs } : {}),
          ...(opts.ms !== undefined ? { ms: opts.ms } : {}),
          ...(opts.percent !== undefined ? { percent: opts.percent } : {}),
          ...(opts.cut !== undefined ? { cutMs: opts.cut } : {}),
          ...(opts.every !== undefined ? { everyMs: opts.every } : {}),
        });
        ctx.stdout.write(`${msg}\n`);
        setResult(0);
      },
    );

  lab
    .command('heal')
    .description('end lag (SIGCONT), bring killed machines back on their data, remove every network fault')
    .option(...dirOption)
    .action(async (_o: unknown, cmd: Command) => {
      const { heal } = await import('../../lab/faults.js');
      const out = await heal(dirOf(cmd));
      ctx.stdout.write(out.length ? `${out.join('\n')}\n` : 'heal: nothing to do\n');
      setResult(0);
    });
};

/** `--talos-version`: which talosctl/Talos behaviour the lab answers with (shared by lab up and drill). */
export function talosVersionOption(): Option {
  return new Option(
    '--talos-version <v>',
    'answer as this Talos version (talosctl formats, multi-node errors, volumes)',
  )
    .choices([...LAB_TALOS_VERSIONS])
    .default(DEFAULT_LAB_TALOS_VERSION);
}

/** `--etcd-volume`: where etcd keeps its data on a 1.14 lab. */
export function etcdVolumeOption(): Option {
  return new Option(
    '--etcd-volume <layout>',
    'ephemeral: etcd data under EPHEMERAL; dedicated: its own ETCD partition (Talos 1.14), which an EPHEMERAL-only reset leaves in place',
  )
    .choices(['ephemeral', 'dedicated'])
    .default('ephemeral');
}
