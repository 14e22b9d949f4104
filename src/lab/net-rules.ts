import { memberGid, PEER_PORT, RELAY_IN_PORT, relayOutPort } from './net-ids.js';

/**
 * The lab's network faults as one nft ruleset, rendered from what should be in force (pure: no
 * nft, no sockets). Every rule is scoped to the lab's own member addresses with the peer port,
 * or to its members' group ids: nothing else on the machine is matched.
 *
 * How a member's peer traffic is recognised. etcd dials its peers from 127.0.0.1, so by address a
 * connection X → Y:2380 could come from any member. Each member runs with its own group id (see
 * net-ids.ts), so the `tag` chain marks the connections a member opens (`ct mark` = its gid) from
 * its first packet; replies then carry the same conntrack mark. Connections *to* X are those with
 * X:2380 at one end.
 */

export type NetFault =
  | { readonly kind: 'partition' }
  | { readonly kind: 'partition-oneway' }
  | { readonly kind: 'latency'; readonly ms: number }
  | { readonly kind: 'loss'; readonly percent: number };

export interface NetMember {
  readonly name: string;
  readonly ip: string;
  /** 1-based, as in lab.json */
  readonly index: number;
}

export interface NetPlan {
  readonly table: string;
  readonly members: readonly NetMember[];
  /** by member name; at most one network fault per member */
  readonly faults: ReadonlyMap<string, NetFault>;
}

/** A userspace link of the latency fault: listen on `listen`, connect to `target`, delay each chunk. */
export interface RelaySpec {
  readonly listenIp: string;
  readonly listenPort: number;
  readonly targetIp: string;
  /** the relay's upstream source address: the delayed member's own, never 127.0.0.1 */
  readonly sourceIp: string;
  /** added to each chunk going to the target / coming back from it, in ms */
  readonly delayUpMs: number;
  readonly delayDownMs: number;
}

const set = (items: readonly (string | number)[]): string =>
  items.length === 1 ? String(items[0]) : `{ ${items.join(', ')} }`;

/** The rule bodies of one member's fault, per chain. */
function faultRules(
  m: NetMember,
  fault: NetFault,
  peers: readonly NetMember[],
): { input: string[]; nat: string[]; cut: string[] } {
  const mark = `ct mark ${memberGid(m.ip)}`;
  const toMe = `ip daddr ${m.ip} tcp dport ${PEER_PORT}`;
  const fromMe = `ip saddr ${m.ip} tcp sport ${PEER_PORT}`;
  switch (fault.kind) {
    case 'partition':
      return { input: [`${mark} counter drop`, `${toMe} counter drop`, `${fromMe} counter drop`], nat: [], cut: [] };
    case 'partition-oneway':
      // only what X sends: its own connections' original direction, its answers on peers' connections
      return { input: [`${mark} ct direction original counter drop`, `${fromMe} counter drop`], nat: [], cut: [] };
    case 'loss': {
      const lose = `numgen random mod 100 < ${fault.percent} counter drop`;
      return { input: [`${mark} ${lose}`, `${toMe} ${lose}`, `${fromMe} ${lose}`], nat: [], cut: [] };
    }
    case 'latency': {
      const gid = memberGid(m.ip);
      const peerGids = peers.map((p) => memberGid(p.ip));
      const nat = [
        ...peers.map(
          (p) =>
            `meta skgid ${gid} ip daddr ${p.ip} tcp dport ${PEER_PORT} dnat ip to ${m.ip}:${relayOutPort(p.index)}`,
        ),
        ...(peerGids.length ? [`meta skgid ${set(peerGids)} ${toMe} dnat ip to ${m.ip}:${RELAY_IN_PORT}`] : []),
      ];
      // Connections opened before the fault were not redirected (nat sees only a first packet):
      // reset them, so etcd redials at once and the new connection goes through the relay.
      const cut = peers.length
        ? [
            `meta skgid ${gid} ip daddr ${set(peers.map((p) => p.ip))} tcp dport ${PEER_PORT} counter reject with tcp reset`,
            `meta skgid ${set(peerGids)} ${toMe} counter reject with tcp reset`,
          ]
        : [];
      return { input: [], nat, cut };
    }
  }
}

/**
 * The nft statements (one per array item, without the trailing `;`) that make the lab's table
 * what `plan` says; empty when no fault is in force (then the table should not exist at all).
 */
export function renderRules(plan: NetPlan): string[] {
  const active = plan.members.filter((m) => plan.faults.has(m.name));
  if (active.length === 0) return [];
  const t = `inet ${plan.table}`;
  const ips = plan.members.map((m) => m.ip);
  const chains = { input: [] as string[], nat: [] as string[], cut: [] as string[] };
  for (const m of active) {
    const fault = plan.faults.get(m.name);
    if (!fault) continue;
    const r = faultRules(
      m,
      fault,
      plan.members.filter((p) => p.name !== m.name),
    );
    chains.input.push(...r.input);
    chains.nat.push(...r.nat);
    chains.cut.push(...r.cut);
  }
  const out = [
    `add table ${t} { flags owner; }`,
    `add chain ${t} tag { type filter hook output priority mangle; }`,
    ...plan.members.map(
      (m) =>
        `add rule ${t} tag meta skgid ${memberGid(m.ip)} ip daddr ${set(ips)} tcp dport ${PEER_PORT} ct mark set ${memberGid(m.ip)}`,
    ),
  ];
  const chain = (name: string, spec: string, rules: string[]) =>
    rules.length ? [`add chain ${t} ${name} { ${spec}; }`, ...rules.map((r) => `add rule ${t} ${name} ${r}`)] : [];
  out.push(...chain('to_relay', 'type nat hook output priority -100', chains.nat));
  out.push(...chain('cut', 'type filter hook output priority filter', chains.cut));
  out.push(...chain('faults', 'type filter hook input priority filter', chains.input));
  return out;
}

/**
 * One line for `nft -i`: nft runs a line as one transaction, so the table changes all at once or
 * not at all. The old table (if any) is deleted in the same transaction.
 */
export function batchLine(table: string, tableExists: boolean, rules: readonly string[]): string | null {
  const parts = [...(tableExists ? [`delete table inet ${table}`] : []), ...rules];
  return parts.length ? parts.join('; ') : null;
}

/** The relays the latency faults need: per delayed member one for peers' connections to it, one per peer it dials. */
export function relaysOf(plan: NetPlan): RelaySpec[] {
  const out: RelaySpec[] = [];
  for (const m of plan.members) {
    const f = plan.faults.get(m.name);
    if (f?.kind !== 'latency') continue;
    // the member's round trip to each peer grows by ms: half of it each way
    const half = f.ms / 2;
    const peers = plan.members.filter((p) => p.name !== m.name);
    if (peers.length === 0) continue;
    out.push({
      listenIp: m.ip,
      listenPort: RELAY_IN_PORT,
      targetIp: m.ip,
      sourceIp: m.ip,
      delayUpMs: half,
      delayDownMs: half,
    });
    for (const p of peers) {
      out.push({
        listenIp: m.ip,
        listenPort: relayOutPort(p.index),
        targetIp: p.ip,
        sourceIp: m.ip,
        delayUpMs: half,
        delayDownMs: half,
      });
    }
  }
  return out;
}
