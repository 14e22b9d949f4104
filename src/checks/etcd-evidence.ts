import type { MemberStatus, ServiceState } from '../talos/observations.js';
import { CAUSE_WORDS, causeOf, type ReadCause } from './read-cause.js';
import type { ClusterReads, Read } from './reader.js';
import { listText } from './verdict.js';
import { NO_LEADER, ownStatusRow } from './view.js';

/**
 * What the reads positively say about the etcd member on one node. Only `up`, `leaderless` and
 * `down` are evidence; `unknown` is everything we could not see (an error on our side, output we
 * did not understand, a missing row, a timeout the other reads do not explain) and must never be
 * counted as either health or loss. The table, per node:
 *
 * | reads of the node                                                        | kind        |
 * |--------------------------------------------------------------------------|-------------|
 * | its own `etcd status` row naming a leader                                | up          |
 * | its own `etcd status` row with leader 0000000000000000, or "no leader"   | leaderless  |
 * | `service etcd` answers with a state other than Running                   | down        |
 * | etcd refused on :2379 while the node answers                             | down        |
 * | etcd status times out while `service etcd` answers Running, health not OK | down        |
 * | apid refused / unreachable, or etcd status AND service etcd time out     | down (node) |
 * | Unimplemented "only on control plane nodes", service not registered      | not-member  |
 * | PermissionDenied, no request forwarding, a TLS/x509 certificate failure, | unknown     |
 * |   unparsed output, no own row,                                           |             |
 * |   any other error; a timeout while service etcd says Running, health OK  |             |
 */
export type NodeEtcd =
  | { kind: 'up'; node: string; row: MemberStatus; why: string }
  | { kind: 'leaderless'; node: string; row: MemberStatus | undefined; why: string }
  | { kind: 'down'; node: string; reachable: boolean; why: string }
  | { kind: 'not-member'; node: string; why: string }
  | { kind: 'unknown'; node: string; why: string };

type Failed = Extract<Read<unknown>, { ok: false }>;

/** "etcd status: permission denied (…) — rpc error text" */
export function failureText(what: string, r: Failed): string {
  const cause = causeOf(r);
  const words = CAUSE_WORDS[cause];
  if (r.reason === '' || r.reason === words) return `${what}: ${words}`;
  return r.reason.startsWith(words) ? `${what}: ${r.reason}` : `${what}: ${words}: ${r.reason}`;
}

/** "etcd status and service etcd: timed out: …": reads that failed alike are named once. */
function failuresText(reads: ReadonlyArray<readonly [string, Failed | undefined]>): string {
  const byText = new Map<string, string[]>();
  for (const [what, r] of reads) {
    if (r === undefined) continue;
    const text = failureText('', r).slice(2);
    byText.set(text, [...(byText.get(text) ?? []), what]);
  }
  return [...byText].map(([text, whats]) => `${listText(whats)}: ${text}`).join('; ');
}

/** The node's own block of `service etcd`, or undefined. */
export function ownService(value: readonly ServiceState[], node: string): ServiceState | undefined {
  const mine = value.filter((b) => b.node === node && b.id === 'etcd');
  if (mine.length === 1) return mine[0];
  if (mine.length === 0 && value.length === 1 && value[0]?.node === '' && value[0].id === 'etcd') return value[0];
  return undefined;
}

const gone = (c: ReadCause | undefined): boolean => c === 'node-unreachable' || c === 'timeout';

/** Classifies the etcd member on `node` from whichever of status, service and members were read. */
export function etcdOnNode(reads: ClusterReads, node: string): NodeEtcd {
  const st = reads.status[node];
  const svc = reads.service[node];
  const ml = reads.members[node];
  if (st?.ok) {
    const row = ownStatusRow(st.value, node);
    if (!row)
      return {
        kind: 'unknown',
        node,
        why: `${node}: etcd status printed ${st.value.length === 0 ? 'no row' : 'no row of its own'}`,
      };
    if (row.leader === NO_LEADER || row.leader === '')
      return { kind: 'leaderless', node, row, why: `member ${row.member} on ${node} knows no leader` };
    return { kind: 'up', node, row, why: `member ${row.member} on ${node} follows leader ${row.leader}` };
  }
  const stFail = st && !st.ok ? st : undefined;
  const svcFail = svc && !svc.ok ? svc : undefined;
  const mlFail = ml && !ml.ok ? ml : undefined;
  const stCause = stFail ? causeOf(stFail) : undefined;
  const svcCause = svcFail ? causeOf(svcFail) : undefined;
  const mlCause = mlFail ? causeOf(mlFail) : undefined;
  const said = failuresText([
    ['etcd status', stFail],
    ['service etcd', svcFail],
    ['etcd members', mlFail],
  ]);

  if ([stCause, svcCause, mlCause].includes('not-control-plane'))
    return { kind: 'not-member', node, why: `${node} is not a control plane node (${said})` };
  if (stCause === 'no-leader' || mlCause === 'no-leader')
    return { kind: 'leaderless', node, row: undefined, why: `etcd on ${node} answers "no leader"` };

  const block = svc?.ok ? ownService(svc.value, node) : undefined;
  if (block) {
    const state = `service etcd on ${node} is ${block.state}, health ${block.health}`;
    if (block.state !== 'Running') return { kind: 'down', node, reachable: true, why: state };
    if (stFail && (stCause === 'etcd-unreachable' || stCause === 'timeout')) {
      // refused: nothing listens on :2379; a timeout may be a slow etcd that Talos still finds healthy
      if (stCause === 'timeout' && block.health === 'OK')
        return { kind: 'unknown', node, why: `${node}: ${said}, but ${state}: cannot tell whether its etcd answers` };
      return { kind: 'down', node, reachable: true, why: `${state}, and ${said}` };
    }
    return {
      kind: 'unknown',
      node,
      why: `${node}: ${state}${said === '' ? '; its etcd status was not read' : `; ${said}`}`,
    };
  }
  if (stCause === 'etcd-unreachable')
    return { kind: 'down', node, reachable: true, why: `${node} answers, its etcd does not (${said})` };
  const svcGone = svc === undefined ? stCause === 'node-unreachable' : gone(svcCause);
  if (stFail && gone(stCause) && svcGone)
    return { kind: 'down', node, reachable: false, why: `${node} does not answer talosctl (${said})` };
  const svcWhy = svc?.ok ? `service etcd printed no block of its own for ${node}` : undefined;
  const all = [said, svcWhy].filter((x) => x !== undefined && x !== '').join('; ');
  return { kind: 'unknown', node, why: `${node}: ${all === '' ? 'not read' : all}` };
}

/** The node of an `unknown`, `down` or `leaderless` verdict, for the log. */
export function evidenceJson(e: NodeEtcd): { kind: string; why: string } {
  return { kind: e.kind, why: e.why };
}
