import { tabwrite } from '../../src/lab/format.js';
import type { CommandResult, Talosctl } from '../../src/talos/talosctl.js';

/**
 * An in-process talosctl over a tiny cluster model, printing talosctl v1.14's real formats, so the
 * engine runs its real parsers and checks. It records every argv; `onCall` may change the cluster
 * (drift); `hang` makes one subcommand wait until its signal aborts (Ctrl-C tests).
 */
export interface FakeMember {
  id: string;
  node: string;
  name: string;
  learner: boolean;
}
export interface FakeState {
  members: FakeMember[];
  leader: string;
  alarms: Array<{ member: string; kind: string }>;
}
export interface FakeTalosctl extends Talosctl {
  state: FakeState;
  calls: Array<{ node: string; args: string[] }>;
  onCall?: (args: readonly string[]) => void;
  hang?: string;
}

export const F_NODES = ['10.5.0.2', '10.5.0.3', '10.5.0.4'] as const;
export const F_IDS = ['a49c021e76e707db', '0b7a3f9e2c51d804', 'f3e2d1c0b9a89776'] as const;

export function fakeState(): FakeState {
  return {
    members: F_NODES.map((node, i) => ({ id: F_IDS[i] as string, node, name: `cp-${i + 1}`, learner: false })),
    leader: F_IDS[0],
    alarms: [],
  };
}

export function fakeTalosctl(state: FakeState = fakeState()): FakeTalosctl {
  const out = (node: string, exitCode: number, stdout: string, stderr = ''): CommandResult => ({
    argv: ['--nodes', node],
    binary: 'fake',
    node,
    pid: 1,
    exitCode,
    signal: null,
    stdout,
    stderr,
    durationMs: 1,
    timedOut: false,
    canceled: false,
  });
  const self: FakeTalosctl = {
    binary: 'fake',
    state,
    calls: [],
    async run(node, args, opts) {
      self.calls.push({ node, args: [...args] });
      const cmd = args.join(' ');
      if (self.hang !== undefined && cmd.startsWith(self.hang)) {
        await new Promise<void>((resolve) => {
          if (opts?.signal?.aborted) resolve();
          opts?.signal?.addEventListener('abort', () => resolve(), { once: true });
        });
        return { ...out(node, 1, ''), exitCode: null, canceled: true };
      }
      self.onCall?.(args);
      const s = self.state;
      const me = s.members.find((m) => m.node === node);
      if (cmd === 'etcd members') {
        const rows = s.members.map(
          (m) => `${node}\t${m.id}\t${m.name}\thttps://${m.node}:2380\thttps://${m.node}:2379\t${m.learner}`,
        );
        return out(node, 0, tabwrite(['NODE\tID\tHOSTNAME\tPEER URLS\tCLIENT URLS\tLEARNER', ...rows]));
      }
      if (cmd === 'etcd status') {
        if (me === undefined)
          return out(node, 1, '', `error getting status: rpc error: code = Unavailable desc = connection refused\n`);
        const errs = s.alarms.map((a) => `memberID:${BigInt(`0x${a.member}`)} alarm:${a.kind}`).join(', ');
        const row = `${node}\t${me.id}\t21 MB\t6.0 MB (29.08%)\t${s.leader}\t4710\t2\t4709\t${me.learner}\t3.6.4\t3.6.0\t${errs}`;
        return out(
          node,
          0,
          tabwrite([
            'NODE\tMEMBER\tDB SIZE\tIN USE\tLEADER\tRAFT INDEX\tRAFT TERM\tRAFT APPLIED INDEX\tLEARNER\tPROTOCOL\tSTORAGE\tERRORS',
            row,
          ]),
        );
      }
      if (cmd === 'etcd alarm list') {
        if (s.alarms.length === 0) return out(node, 0, '');
        return out(
          node,
          0,
          tabwrite(['NODE\tMEMBER\tALARM', ...s.alarms.map((a) => `${node}\t${a.member}\t${a.kind}`)]),
        );
      }
      if (cmd === 'service etcd') {
        const st = me === undefined ? 'Finished' : 'Running';
        return out(
          node,
          0,
          `NODE                  ${node}\nID                    etcd\nSTATE                 ${st}\nHEALTH                OK\nLAST HEALTH MESSAGE   etcd is healthy\nEVENTS                [Running]: Health check successful (1m2s ago)\n`,
        );
      }
      if (cmd === 'etcd alarm disarm') {
        s.alarms = [];
        return out(node, 0, '');
      }
      if (cmd === 'etcd defrag') return out(node, 0, '');
      if (args[0] === 'reboot') return out(node, 0, ''); // the node comes back as it was
      if (cmd === 'etcd leave') {
        s.members = s.members.filter((m) => m.node !== node);
        return out(node, 0, '');
      }
      if (args[0] === 'etcd' && args[1] === 'remove-member') {
        s.members = s.members.filter((m) => m.id !== args[2]);
        return out(node, 0, '');
      }
      return out(node, 1, '', `unknown command ${cmd}\n`);
    },
    async runEach(nodes, args, opts) {
      const r: CommandResult[] = [];
      for (const n of nodes) r.push(await self.run(n, args, opts));
      return r;
    },
    async clientVersion() {
      const result = out('', 0, 'Client:\n\tTag:         v1.14.0\n');
      return { result, version: { ok: false, error: { code: 'not-text', message: 'fake', raw: '' } } };
    },
  };
  return self;
}
