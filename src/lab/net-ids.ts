/**
 * The names the lab's network faults are scoped by: one nft table per lab (named after its first
 * address, so two labs never share one), one group id per member (etcd dials its peers from
 * 127.0.0.1, so the group of the sending socket is what tells members apart), and the loopback
 * ports of the latency relay on the delayed member's own address.
 */

export const PEER_PORT = 2380;
/** the relay that carries peers' connections *to* a delayed member listens on its address here */
export const RELAY_IN_PORT = 2400;
const GID_BASE = 1_700_000_000;

function octets(ip: string): [number, number, number] {
  const m = /^127\.(\d{1,3})\.(\d{1,3})\.(\d{1,3})$/.exec(ip);
  if (!m) throw new RangeError(`${ip} is not a 127.x.y.z address`);
  return [Number(m[1]), Number(m[2]), Number(m[3])];
}

/** The group id etcd runs with on 127.a.b.c (root only): unique per address, far above real groups. */
export function memberGid(ip: string): number {
  const [a, b, c] = octets(ip);
  return GID_BASE + a * 65536 + b * 256 + c;
}

/** The lab's nft table: talos_dr_lab_127_0_0_71 for a lab whose first member is 127.0.0.71. */
export function labTableName(firstIp: string): string {
  octets(firstIp);
  return `talos_dr_lab_${firstIp.replaceAll('.', '_')}`;
}

/** The relay port on a delayed member's address that carries its own connections to member `peerIndex`. */
export const relayOutPort = (peerIndex: number): number => RELAY_IN_PORT + peerIndex;
