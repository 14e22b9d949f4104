import { answers, statusRows } from '../checks/view.js';
import type { ClusterView } from './cluster-view.js';

/**
 * The etcd alarms raised, from the alarm lists and from the `memberID:<decimal> alarm:<KIND>`
 * errors etcd puts in every member's status: one alarm seen by any node is cluster state (etcd
 * keeps alarms in raft), as the alarm-active check reads it too.
 */

export interface RaisedAlarm {
  kind: string;
  /** the member it is raised on, 16 hex digits */
  member: string;
  /** the nodes whose alarm list or status showed it */
  seenBy: string[];
}

const STATUS_ALARM = /memberID:(\d+) alarm:([A-Z]+)/;

export function raisedAlarms(v: ClusterView): RaisedAlarm[] {
  const byKey = new Map<string, RaisedAlarm>();
  const add = (kind: string, member: string, node: string): void => {
    if (kind === 'NONE') return;
    const key = `${kind}/${member}`;
    const a = byKey.get(key) ?? { kind, member, seenBy: [] };
    if (!a.seenBy.includes(node)) a.seenBy.push(node);
    byKey.set(key, a);
  };
  for (const { node, value } of answers(v.reads.alarms, v.controlPlane).answered)
    for (const x of value) add(x.kind, x.member, node);
  for (const { node, value } of statusRows(v.reads, v.controlPlane).answered)
    for (const e of value.errors) {
      const m = STATUS_ALARM.exec(e);
      if (m?.[1] !== undefined && m[2] !== undefined) add(m[2], BigInt(m[1]).toString(16).padStart(16, '0'), node);
    }
  return [...byKey.values()];
}
