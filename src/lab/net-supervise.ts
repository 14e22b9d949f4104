import { endpointStatus } from './etcdctl.js';
import { labTableName } from './net-ids.js';
import { type ApplyResult, NftKeeper } from './net-keeper.js';
import { type Relay, startRelay } from './net-relay.js';
import { type NetFault, type NetPlan, type RelaySpec, relaysOf, renderRules } from './net-rules.js';
import { appendFlap, type NetDesired, readDesired, writeApplied } from './net-state.js';
import type { LabState } from './state.js';

/**
 * The supervisor's side of the network faults: it reads what `lab inject`/`lab heal` asked for,
 * makes the lab's nft table and latency relays match, writes back what it applied (so the CLI
 * can wait for it), and plays flap-leader (cut the current leader off, restore, repeat).
 * Without any fault it holds no table, no relay and no nft process.
 */

type Log = (line: string) => void;

interface FlapState {
  /** the member cut off right now, or null between cuts */
  cut: { name: string; ip: string; until: number } | null;
  nextCutAt: number;
}

type ApplyOutcome = ApplyResult & { readonly relays: number };

const keyOf = (faults: ReadonlyMap<string, NetFault>): string => JSON.stringify([...faults].sort());
const relayKey = (s: RelaySpec): string => JSON.stringify(s);

export class NetSupervisor {
  private readonly keeper: NftKeeper;
  private readonly relays = new Map<string, Relay>();
  private appliedKey = keyOf(new Map());
  private appliedGeneration = 0;
  private flap: FlapState = { cut: null, nextCutAt: 0 };
  private last: ApplyOutcome | null = null;

  private readonly dir: string;
  private readonly lab: LabState;
  private readonly log: Log;

  constructor(dir: string, lab: LabState, log: Log) {
    this.dir = dir;
    this.lab = lab;
    this.log = log;
    this.keeper = new NftKeeper(labTableName(lab.nodes[0]?.ip ?? '127.0.0.11'), log);
  }

  nftPid(): number | null {
    return this.keeper.pid();
  }

  /** One pass: advance flap-leader, then apply if what should be in force changed. Never throws. */
  async tick(): Promise<void> {
    try {
      const desired = readDesired(this.dir);
      await this.stepFlap(desired);
      const faults = this.effectiveFaults(desired);
      const key = keyOf(faults);
      if (key === this.appliedKey && desired.generation === this.appliedGeneration) return;
      // a new generation with the same faults (the same inject twice) is acknowledged as it stands
      const res = key !== this.appliedKey || this.last === null ? await this.apply(faults) : this.last;
      this.appliedKey = key;
      this.appliedGeneration = desired.generation;
      this.last = res;
      writeApplied(this.dir, { generation: desired.generation, at: new Date().toISOString(), ...res });
      const what = [...faults].map(([n, f]) => `${n}=${f.kind}`).join(', ') || 'none';
      this.log(`net: generation ${desired.generation} faults [${what}]: ${res.ok ? 'applied' : res.error}`);
    } catch (e) {
      this.log(`net: ${String(e)}`);
    }
  }

  private effectiveFaults(desired: NetDesired): Map<string, NetFault> {
    const faults = new Map(Object.entries(desired.nodes));
    if (this.flap.cut && !faults.has(this.flap.cut.name)) faults.set(this.flap.cut.name, { kind: 'partition' });
    return faults;
  }

  private async apply(faults: ReadonlyMap<string, NetFault>): Promise<ApplyOutcome> {
    const plan: NetPlan = { table: labTableName(this.lab.nodes[0]?.ip ?? ''), members: this.lab.nodes, faults };
    const wanted = new Map(relaysOf(plan).map((s) => [relayKey(s), s]));
    // relays first: a redirect rule must never point at a port nobody listens on
    for (const [k, spec] of wanted) {
      if (this.relays.has(k)) continue;
      try {
        this.relays.set(k, await startRelay(spec));
      } catch (e) {
        return {
          ok: false,
          error: `relay ${spec.listenIp}:${spec.listenPort}: ${String(e)}`,
          rules: 0,
          table: false,
          relays: this.relays.size,
        };
      }
    }
    const rules = renderRules(plan);
    const r = await this.keeper.apply(rules);
    // no fault left: no table (deleted above) and no nft process either
    if (r.ok && rules.length === 0) await this.keeper.close();
    for (const [k, relay] of this.relays) {
      if (wanted.has(k)) continue;
      await relay.close();
      this.relays.delete(k);
    }
    return { ...r, relays: this.relays.size };
  }

  /** flap-leader: between cuts wait `everyMs` from the last cut's start; a cut lasts `cutMs`. */
  private async stepFlap(desired: NetDesired): Promise<void> {
    const now = Date.now();
    if (!desired.flap) {
      this.flap = { cut: null, nextCutAt: 0 };
      return;
    }
    const { cut } = this.flap;
    if (cut && now >= cut.until) {
      appendFlap(this.dir, { at: new Date().toISOString(), node: cut.name, ip: cut.ip, event: 'restore' });
      this.log(`flap-leader: ${cut.name} (${cut.ip}) restored`);
      this.flap.cut = null;
    }
    if (this.flap.cut || now < this.flap.nextCutAt) return;
    const leader = await this.currentLeader();
    if (!leader) return; // no leader right now (an election): try again next tick
    this.flap = { cut: { ...leader, until: now + desired.flap.cutMs }, nextCutAt: now + desired.flap.everyMs };
    appendFlap(this.dir, { at: new Date().toISOString(), node: leader.name, ip: leader.ip, event: 'cut' });
    this.log(`flap-leader: cutting off the leader ${leader.name} (${leader.ip}) for ${desired.flap.cutMs} ms`);
  }

  /** The member that says it is the leader (the highest term wins if a deposed one still thinks so). */
  private async currentLeader(): Promise<{ name: string; ip: string } | null> {
    const st = await Promise.all(this.lab.nodes.map(async (n) => ({ n, s: await endpointStatus(n.ip, 1) })));
    const leaders = st
      .filter(({ s }) => s !== null && s.leader !== '0' && s.leader === s.memberId)
      .sort((a, b) => (b.s?.raftTerm ?? 0) - (a.s?.raftTerm ?? 0));
    const top = leaders[0];
    return top ? { name: top.n.name, ip: top.n.ip } : null;
  }

  /** Removes the table and stops the relays (lab down); the kernel would remove the table anyway. */
  async close(): Promise<void> {
    await this.keeper.close();
    for (const r of this.relays.values()) await r.close();
    this.relays.clear();
  }
}
