import { clientUrl, endpointStatus, etcdctl, parseAlarms, parseMemberList } from '../lab/etcdctl.js';
import { formatMemberId } from '../lab/format.js';
import type { LabState } from '../lab/state.js';

/** Member ids as Talos prints them (16 hex digits): etcd's JSON gives them in decimal. */
const hexId = (decimal: string): string => formatMemberId(decimal);

/**
 * The drill's own verdict on the lab after a run, straight from etcd (etcdctl), not through the
 * runbook's checks: every member answers and agrees on one leader, no errors, no alarm, the member
 * list is whole and has no learner. A runbook that claims success on a broken lab fails here.
 */

export interface GradeCheck {
  name: string;
  ok: boolean;
  detail: string;
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

export async function labIndependentChecks(dir: string, lab: LabState): Promise<GradeCheck[]> {
  void dir;
  const ips = lab.nodes.map((n) => n.ip);
  const endpoints = ips.map(clientUrl);
  const out: GradeCheck[] = [];
  // a member restarted by the run may need a moment to answer: a few tries, 5 s at most
  let st = await Promise.all(ips.map((ip) => endpointStatus(ip, 2)));
  for (let i = 0; i < 5 && st.some((s) => s === null); i++) {
    await sleep(1000);
    st = await Promise.all(ips.map((ip) => endpointStatus(ip, 2)));
  }
  const silent = ips.filter((_, i) => st[i] === null);
  out.push({
    name: 'all members answer',
    ok: silent.length === 0,
    detail: silent.length ? `no answer from ${silent.join(', ')}` : `${ips.length} of ${ips.length} answer`,
  });
  const leaders = new Set(st.filter((s) => s !== null).map((s) => s.leader));
  const leader = [...leaders][0];
  out.push({
    name: 'one leader',
    ok: leaders.size === 1 && leader !== undefined && leader !== '0',
    detail:
      leaders.size === 1
        ? `leader ${hexId(leader ?? '0')}`
        : `members name ${leaders.size} leaders: ${[...leaders].map(hexId).join(', ')}`,
  });
  const errs = st.flatMap((s, i) => (s?.errors.length ? [`${ips[i]}: ${s.errors.join('; ')}`] : []));
  out.push({ name: 'no status errors', ok: errs.length === 0, detail: errs.join(' | ') || 'none' });
  const al = await etcdctl(endpoints, ['alarm', 'list', '-w', 'json'], { commandTimeoutS: 3 });
  const alarms = al.code === 0 ? parseAlarms(al.stdout).filter((a) => a.alarm !== 'NONE') : null;
  out.push({
    name: 'no alarm',
    ok: alarms !== null && alarms.length === 0,
    detail: alarms === null ? `alarm list failed: ${al.error}` : alarms.map((a) => a.alarm).join(', ') || 'none',
  });
  const ml = await etcdctl(endpoints, ['member', 'list', '-w', 'json'], { commandTimeoutS: 3 });
  const members = ml.code === 0 ? parseMemberList(ml.stdout) : null;
  out.push({
    name: 'member list whole',
    ok: members !== null && members.length === ips.length && members.every((m) => m.name !== ''),
    detail:
      members === null ? `member list failed: ${ml.error}` : `${members.length} member(s), ${ips.length} expected`,
  });
  const learners = members?.filter((m) => m.isLearner) ?? [];
  out.push({
    name: 'no learners',
    ok: members !== null && learners.length === 0,
    detail: learners.length ? learners.map((m) => m.name || m.id).join(', ') : 'none',
  });
  return out;
}
