import { readsOf } from '../reader.js';
import { stringArg } from '../verdict.js';
import { answers, failedText } from '../view.js';
import { defineObservation } from './observation.js';

/**
 * Which system volumes a reset must wipe to clear a node's etcd data. Until Talos 1.14 etcd lives
 * in /var/lib/etcd on EPHEMERAL; 1.14 can give it a dedicated ETCD partition, and then a reset
 * that wipes only EPHEMERAL leaves the old member's data in place (its release notes; talosctl
 * reset refuses `ETCD` alone while it is a directory under EPHEMERAL). A node without an ETCD
 * volume resource (NotFound: Talos before the directory volumes) keeps etcd under EPHEMERAL.
 * Anything else — no answer, a volume of another type — names no labels: a wipe that misses the
 * data would bring the old member back.
 */
export const etcdVolume = defineObservation({
  name: 'etcd-volume',
  reads: (args) => readsOf(['volume'], [stringArg(args, 'node')]),
  derive(reads, args) {
    const node = stringArg(args, 'node');
    const a = answers(reads.volume, [node]);
    const failed = a.failed[0];
    if (failed?.cause === 'not-found')
      return under(node, 'this Talos has no ETCD volume: etcd data lives in /var/lib/etcd on EPHEMERAL');
    if (failed !== undefined)
      return { ok: false, reason: `cannot tell where ${node} keeps etcd data: ${failedText([failed])}` };
    const vol = a.answered[0]?.value.find((v) => v.node === node || v.node === '');
    if (vol === undefined) return { ok: false, reason: `get volumestatus ETCD on ${node} printed no row for ${node}` };
    if (vol.type === 'directory') return under(node, 'etcd data is a directory on EPHEMERAL');
    if (vol.type === 'partition')
      return {
        ok: true,
        outputs: {
          labels: 'EPHEMERAL,ETCD',
          dedicated: true,
          layout: `etcd data is on a dedicated ETCD partition${vol.location ? ` (${vol.location})` : ''}: wiping EPHEMERAL alone would leave it`,
        },
        summary: `${node}: dedicated ETCD partition${vol.location ? ` ${vol.location}` : ''} (phase ${vol.phase || '?'}): a reset must wipe EPHEMERAL and ETCD`,
      };
    return {
      ok: false,
      reason: `${node} keeps etcd data on a volume of type ${vol.type}: no reset label is known to clear it; wipe it by hand`,
    };
  },
});

function under(node: string, layout: string) {
  return {
    ok: true as const,
    outputs: { labels: 'EPHEMERAL', dedicated: false, layout },
    summary: `${node}: ${layout}; a reset wipes EPHEMERAL`,
  };
}
