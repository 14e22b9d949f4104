import { createServer, type Server, type Socket, connect as tcpConnect } from 'node:net';
import { PEER_PORT } from './net-ids.js';
import type { RelaySpec } from './net-rules.js';

/**
 * The latency fault's link: a TCP relay on the delayed member's own loopback address that the
 * lab's nft rules redirect that member's peer connections to. It forwards every chunk after a
 * fixed delay, in order, each way. This kernel has no netem qdisc (docs/lab.md), so the delay is
 * done here, in userspace, as etcd's own functional tests do with their peer proxy.
 */

export interface Relay {
  readonly spec: RelaySpec;
  /** connections carried so far */
  readonly accepted: () => number;
  close(): Promise<void>;
}

/**
 * Copies `from` to `to`, each chunk `delayMs` after it arrived, in arrival order; ends `to` when
 * `from` ended and everything before the end was written.
 */
function delayedPipe(from: Socket, to: Socket, delayMs: number): void {
  const queue: Array<{ due: number; chunk: Buffer | null }> = [];
  let timer: NodeJS.Timeout | null = null;
  const flush = (): void => {
    timer = null;
    const now = Date.now();
    while (queue.length > 0 && (queue[0]?.due ?? 0) <= now) {
      const item = queue.shift();
      if (!item || to.destroyed) return;
      if (item.chunk === null) to.end();
      else to.write(item.chunk);
    }
    const next = queue[0];
    if (next) timer = setTimeout(flush, Math.max(0, next.due - now));
  };
  const push = (chunk: Buffer | null): void => {
    queue.push({ due: Date.now() + delayMs, chunk });
    if (timer === null) timer = setTimeout(flush, delayMs);
  };
  from.on('data', (c: Buffer) => push(c));
  from.on('end', () => push(null));
  from.on('close', () => {
    if (timer !== null && to.destroyed) clearTimeout(timer);
  });
}

/** Starts listening; resolves once the port is bound (so redirect rules never point at nothing). */
export function startRelay(spec: RelaySpec): Promise<Relay> {
  const sockets = new Set<Socket>();
  let count = 0;
  const track = (s: Socket): void => {
    sockets.add(s);
    s.on('close', () => sockets.delete(s));
  };
  const server: Server = createServer({ allowHalfOpen: true }, (client) => {
    count++;
    track(client);
    const upstream = tcpConnect({
      host: spec.targetIp,
      port: PEER_PORT,
      localAddress: spec.sourceIp,
      allowHalfOpen: true,
    });
    track(upstream);
    client.setNoDelay(true);
    upstream.setNoDelay(true);
    // a reset on one side is a reset on the other: etcd must see a broken link as broken
    const kill = (): void => {
      client.destroy();
      upstream.destroy();
    };
    client.on('error', kill);
    upstream.on('error', kill);
    // A clean close is not a break: the other side is ended by delayedPipe once the chunks still
    // queued for it are written (destroying it here dropped a delayed last answer).
    client.on('close', (hadError) => hadError && kill());
    upstream.on('close', (hadError) => hadError && kill());
    delayedPipe(client, upstream, spec.delayUpMs);
    delayedPipe(upstream, client, spec.delayDownMs);
  });
  return new Promise((resolve, reject) => {
    server.once('error', reject);
    server.listen({ host: spec.listenIp, port: spec.listenPort, exclusive: true }, () => {
      server.off('error', reject);
      resolve({
        spec,
        accepted: () => count,
        close: () =>
          new Promise<void>((done) => {
            for (const s of sockets) s.destroy();
            server.close(() => done());
          }),
      });
    });
  });
}
