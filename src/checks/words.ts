/**
 * How a check's sentence names what it is about, so a tired responder can act on it: a member
 * by its 16-hex-digit id (as talosctl prints it, never etcd's decimal uint64) with the node it
 * runs on; when no read says which member runs on a node, its etcd by the node, said plainly:
 * "etcd on 10.0.0.3 did not answer `etcd status` (member id unknown)".
 */

/** "member 8e9e05c52164694d on 10.0.0.3", or without the node when no read places it. */
export function memberText(id: string, node: string | undefined): string {
  return node === undefined ? `member ${id}` : `member ${id} on ${node}`;
}

/**
 * A node whose etcd gave no `etcd status` row: the one read that says which member runs there, so
 * the member is named by its id only when another read does (`id`), else said to be unknown.
 */
export function noStatusText(node: string, id: string | undefined): string {
  return `etcd on ${node} did not answer \`etcd status\` (${id === undefined ? 'member id unknown' : `member ${id}`})`;
}

/** "leader 2f5b…d0 on 10.0.0.2", or without the node when no read places it. */
export function leaderText(id: string, node: string | undefined): string {
  return node === undefined ? `leader ${id}` : `leader ${id} on ${node}`;
}

/** etcd's own spelling of an alarm in a status error: the member id in decimal. */
const STATUS_ALARM = /memberID:(\d{1,20}) alarm:([A-Z]+)/g;

/**
 * A status error as a sentence shows it: etcd writes a raised alarm as
 * `memberID:8435104460131667684 alarm:NOSPACE`, the id in decimal; shown as
 * `alarm:NOSPACE (member 750f82d0bd760ee4 on 10.0.0.3)`, the id as talosctl prints ids
 * everywhere else, with its node when `nodeOf` knows it.
 */
export function statusErrorText(error: string, nodeOf: (id: string) => string | undefined = () => undefined): string {
  return error.replace(STATUS_ALARM, (whole, dec: string, kind: string) => {
    const n = BigInt(dec);
    if (n >= 2n ** 64n) return whole;
    const id = n.toString(16).padStart(16, '0');
    return `alarm:${kind} (${memberText(id, nodeOf(id))})`;
  });
}
