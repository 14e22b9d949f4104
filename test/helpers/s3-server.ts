import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import { fileURLToPath } from 'node:url';

const MAIN = fileURLToPath(new URL('../../scripts/s3-loopback.mjs', import.meta.url));

export interface LoopbackS3 {
  endpoint: string;
  /** the environment a client needs to reach it (what a user sets for an S3-compatible store) */
  env: Record<string, string>;
  /** every request it has served so far, `METHOD /bucket/key?query` */
  requests(): string[];
  stop(): Promise<void>;
}

/**
 * Starts the real S3-compatible server (s3rver) in its own process on 127.0.0.1, a free port, a
 * fresh temp dir, with the given buckets. Its credentials are s3rver's fixed test keys.
 */
export async function startS3Server(buckets: readonly string[] = ['backups']): Promise<LoopbackS3> {
  const dir = mkdtempSync(join(tmpdir(), 'tdr-s3rver-'));
  const child = spawn(process.execPath, [MAIN, dir, ...buckets], { stdio: ['pipe', 'pipe', 'pipe'] });
  let stderr = '';
  child.stderr.on('data', (d: Buffer) => {
    stderr += d.toString();
  });
  const lines = createInterface({ input: child.stdout });
  const port = await new Promise<number>((resolve, reject) => {
    const t = setTimeout(() => reject(new Error(`s3rver did not start in 15 s: ${stderr}`)), 15_000);
    lines.once('line', (l) => {
      clearTimeout(t);
      resolve((JSON.parse(l) as { port: number }).port);
    });
    child.once('exit', (code) => {
      clearTimeout(t);
      reject(new Error(`s3rver exited ${code}: ${stderr}`));
    });
  });
  const requests: string[] = [];
  lines.on('line', (l) => requests.push(l));
  const endpoint = `http://127.0.0.1:${port}`;
  return {
    endpoint,
    env: {
      AWS_ENDPOINT_URL_S3: endpoint,
      AWS_REGION: 'us-east-1',
      AWS_ACCESS_KEY_ID: 'S3RVER',
      AWS_SECRET_ACCESS_KEY: 'S3RVER',
    },
    requests: () => [...requests],
    async stop() {
      if (child.exitCode === null) {
        const gone = new Promise((r) => child.once('exit', r));
        child.stdin.end();
        await Promise.race([gone, new Promise((r) => setTimeout(r, 3000))]);
        if (child.exitCode === null) child.kill('SIGKILL');
      }
      rmSync(dir, { recursive: true, force: true });
    },
  };
}
