import { createServer, type Server, type Socket, connect as tcpConnect } from 'node:net';
import { describe, expect, it, onTestFinished } from 'vitest';
import { type Relay, startRelay } from '../../src/lab/net-relay.js';
import type { RelaySpec } from '../../src/lab/net-rules.js';

/**
 * The latency fault's relay on real loopback sockets (127.0.0.121 relays to a stand-in peer on
 * 127.0.0.122:2380, addresses of this suite's range, no etcd): each way delayed by its own
 * amount, order kept, dialled from the member's address, a half-close carried, a reset on one
 * side a reset on the other, and close() letting go of everything.
 */
const SPEC: RelaySpec = {
  listenIp: '127.0.0.121',
  listenPort: 2401,
  targetIp: '127.0.0.122',
  sourceIp: '127.0.0.121',
  delayUpMs: 150,
  delayDownMs: 100,
};

/** A stand-in peer on targetIp:2380: what it received, and from where, per connection. */
function peer(onConn: (s: Socket) => void): Promise<{ server: Server; from: string[] }> {
  const from: string[] = [];
  const open = new Set<Socket>();
  const server = createServer({ allowHalfOpen: true }, (s) => {
    from.push(s.remoteAddress ?? '');
    open.add(s);
    s.on('close', () => open.delete(s));
    onConn(s);
  });
  onTestFinished(
    () =>
      new Promise<void>((r) => {
        for (const s of open) s.destroy();
        server.close(() => r());
      }),
  );
  return new Promise((resolve) => server.listen({ host: SPEC.targetIp, port: 2380 }, () => resolve({ server, from })));
}

async function relay(spec: RelaySpec = SPEC): Promise<Relay> {
  const r = await startRelay(spec);
  onTestFinished(() => r.close());
  return r;
}

function dial(): Promise<Socket> {
  return new Promise((resolve, reject) => {
    const s = tcpConnect({ host: SPEC.listenIp, port: SPEC.listenPort, allowHalfOpen: true }, () => resolve(s));
    s.once('error', reject);
  });
}

/** What came in, when the peer side ended, and when it is gone (ended or closed: the dialler is half-open). */
const received = (s: Socket): { text: () => string; ended: Promise<void>; closed: Promise<void> } => {
  let text = '';
  s.on('data', (c: Buffer) => {
    text += c.toString();
  });
  return {
    text: () => text,
    ended: new Promise((r) => s.once('end', () => r())),
    closed: new Promise((r) => {
      s.once('end', () => r());
      s.once('close', () => r());
    }),
  };
};

describe('startRelay', () => {
  it('delays each way by its own amount, chunk by chunk, keeps order, dials from the member address', async () => {
    const arrived: { at: number; text: string }[] = [];
    const p = await peer((s) => {
      s.on('data', (c: Buffer) => {
        arrived.push({ at: Date.now(), text: c.toString() });
        s.write(c);
      });
    });
    const r = await relay();
    const c = await dial();
    const got = received(c);
    const sent: Record<string, number> = {};
    for (const ch of ['a', 'b', 'c']) {
      sent[ch] = Date.now();
      c.write(ch);
      await new Promise((res) => setTimeout(res, 40));
    }
    while (got.text().length < 3 && Date.now() - (sent.a ?? 0) < 5000) await new Promise((res) => setTimeout(res, 5));
    const back = Date.now();
    expect(got.text()).toBe('abc');
    // each chunk reaches the peer no sooner than delayUpMs after it was sent (chunks may merge, never reorder)
    expect(arrived.map((a) => a.text).join('')).toBe('abc');
    for (const a of arrived) expect(a.at - (sent[a.text[0] ?? ''] ?? 0)).toBeGreaterThanOrEqual(SPEC.delayUpMs - 5);
    // the last one comes back no sooner than both delays after it was sent
    expect(back - (sent.c ?? 0)).toBeGreaterThanOrEqual(SPEC.delayUpMs + SPEC.delayDownMs - 5);
    expect(p.from).toEqual(['127.0.0.121']);
    expect(r.accepted()).toBe(1);
    c.destroy();
  });

  it('carries a half-close: the peer sees the end after the delay and may still answer', async () => {
    let peerEndedAt = 0;
    await peer((s) => {
      s.on('data', () => {});
      s.on('end', () => {
        peerEndedAt = Date.now();
        s.end('bye');
      });
    });
    await relay();
    const c = await dial();
    const got = received(c);
    const t0 = Date.now();
    c.end();
    await got.ended;
    expect(got.text()).toBe('bye');
    expect(peerEndedAt - t0).toBeGreaterThanOrEqual(SPEC.delayUpMs - 5);
    expect(Date.now() - t0).toBeGreaterThanOrEqual(SPEC.delayUpMs + SPEC.delayDownMs - 10);
  });

  it('a peer that resets: the member side is closed too', async () => {
    await peer((s) => s.resetAndDestroy());
    await relay();
    const c = await dial();
    c.on('error', () => {});
    await received(c).closed;
    expect(c.readableEnded || c.destroyed).toBe(true);
  });

  it('no peer listening: the member connection is closed, not left hanging', async () => {
    await relay({ ...SPEC, targetIp: '127.0.0.123' });
    const c = await dial();
    c.on('error', () => {});
    const t0 = Date.now();
    await received(c).closed;
    expect(Date.now() - t0).toBeLessThan(2000);
  });

  it('a port already taken is refused, not shared; close() frees it and cuts live connections', async () => {
    await peer((s) => s.on('data', () => {}));
    const first = await startRelay(SPEC);
    await expect(startRelay(SPEC)).rejects.toMatchObject({ code: 'EADDRINUSE' });
    const c = await dial();
    c.on('error', () => {});
    const got = received(c);
    await first.close();
    await got.closed;
    const again = await relay();
    expect(again.accepted()).toBe(0);
  });
});
