import { createServer, type Server } from 'node:http';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { putViaGateway } from '../../src/lab/cluster.js';

// A real HTTP server on a loopback address no lab uses, answering as etcd's gRPC gateway would
// (port 2379 is what clientUrl() gives every lab member).
const IP = '127.0.0.250';
let server: Server;
let answer: { status: number; body: string } = { status: 200, body: '{"header":{}}' };
const seen: Array<{ url: string; body: unknown }> = [];

beforeAll(async () => {
  server = createServer((req, res) => {
    let text = '';
    req.on('data', (c: Buffer) => {
      text += c.toString('utf8');
    });
    req.on('end', () => {
      seen.push({ url: req.url ?? '', body: JSON.parse(text) });
      res.writeHead(answer.status, { 'content-type': 'application/json' });
      res.end(answer.body);
    });
  });
  await new Promise<void>((resolve) => server.listen(2379, IP, resolve));
});
afterAll(async () => {
  await new Promise((resolve) => server.close(resolve));
});

describe('putViaGateway', () => {
  it('posts the key and value base64-encoded to /v3/kv/put', async () => {
    answer = { status: 200, body: '{"header":{"revision":"7"}}' };
    await putViaGateway(IP, '/lab/seed/000001', Buffer.from([0, 255, 10]));
    expect(seen.at(-1)).toEqual({
      url: '/v3/kv/put',
      body: { key: Buffer.from('/lab/seed/000001').toString('base64'), value: 'AP8K' },
    });
  });

  it('fails on a non-2xx answer, naming the key, the address and the status', async () => {
    answer = { status: 503, body: 'etcdserver: mvcc: database space exceeded' };
    await expect(putViaGateway(IP, 'k1', 'v')).rejects.toThrow(/^put k1 via 127\.0\.0\.250: 503 etcdserver: mvcc/);
  });

  it('fails on a 200 whose body carries an error (the gateway answers NOSPACE this way)', async () => {
    answer = { status: 200, body: '{"error":"etcdserver: mvcc: database space exceeded","code":8}' };
    await expect(putViaGateway(IP, 'k2', 'v')).rejects.toThrow(/put k2 via .*: 200 .*database space exceeded/);
  });

  it('fails when nothing listens', async () => {
    await expect(putViaGateway('127.0.0.251', 'k3', 'v')).rejects.toThrow(/ECONNREFUSED/);
  });
});
