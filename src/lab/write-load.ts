import { makeError } from '../io/errors.js';
import { putViaGateway } from './cluster.js';
import { endpointStatus } from './etcdctl.js';

/**
 * A steady write load through `leader` (1 KB values outside the seeded prefix, so the data set is
 * unchanged) of about `perSecond` puts a second, until stopped.
 */
export function writeLoad(leader: string, perSecond: number): { stop: () => Promise<void>; describe: () => string } {
  const value = Buffer.alloc(1024, 'l');
  let puts = 0;
  let stopping = false;
  const loop = (async () => {
    while (!stopping) {
      const t = Date.now();
      const jobs: Promise<void>[] = [];
      for (let i = 0; i < perSecond / 10; i++)
        jobs.push(putViaGateway(leader, `/lab/load/${puts++ % 500}`, value).catch(() => undefined));
      await Promise.all(jobs);
      await new Promise((r) => setTimeout(r, Math.max(0, 100 - (Date.now() - t))));
    }
  })();
  return {
    stop: async () => {
      stopping = true;
      await loop;
    },
    describe: () => `a write load of ${perSecond} puts/s through ${leader}`,
  };
}

/** Waits (60 s at most) until `node`'s raft index is `entries` behind the leader's while it answers. */
export async function waitBehind(leader: string, node: string, entries: number): Promise<string> {
  const deadline = Date.now() + 60_000;
  for (;;) {
    const [l, n] = await Promise.all([endpointStatus(leader, 2), endpointStatus(node, 2)]);
    const lag = l && n ? l.raftIndex - n.raftIndex : 0;
    if (n && n.leader !== '0' && lag >= entries)
      return `${node} answers, follows the leader and is ${lag} raft entries behind`;
    if (Date.now() > deadline)
      throw makeError('TDR_LAB_FAILED', { detail: `${node} was only ${lag} entries behind after 60 s of writes` });
    await new Promise((r) => setTimeout(r, 250));
  }
}
