// Figures 8–9: the backup pipeline (snapshot file → etcd trailer check → gzip → age → S3 on the
// loopback s3rver) and its reverse (S3 → sha256 → age -d → gunzip → trailer check → file), in one
// process, against the same steps in shell-style processes connected by pipes (argv arrays, no
// shell): `head -c -32 | sha256sum` for the trailer, `gzip -6 | age -r | put`, where put is a
// small Node child using the same AWS SDK upload (there is no S3 upload in coreutils; curl would
// need SigV4 and a known length). Throughput ratio = shell time / talos-dr time (≥ 0.8 is the
// goal), and talos-dr's peak RSS (the child's own maxRSS) ≤ 200 MB. Sizes: 1 GiB and 2 GiB
// (etcd's default quota); --quick: 64 and 128 MiB. Libraries alone: age-encryption and zlib on
// the same bytes, against `age` and `gzip`.
import { spawn } from 'node:child_process';
import { closeSync, mkdtempSync, openSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import { bundleEntry } from '../scripts/reliability/bundle.js';
import { type Figure, figure, log, median, mustRun, ROOT } from './lib.js';
import { writeSnapshotShaped } from './snapshot-file.js';

interface Child {
  ms: number;
  maxRssKiB: number;
  [k: string]: unknown;
}

const MiB = 1024 * 1024;

/** Runs argv → argv → … with each stdout handed to the next stdin by fd (no data through us). */
function pipe(
  stages: string[][],
  opts: { env: NodeJS.ProcessEnv; stdoutFd?: number },
): Promise<{ ms: number; stdout: string }> {
  const t0 = performance.now();
  return new Promise((resolve, reject) => {
    let prev: NodeJS.ReadableStream | undefined;
    let pending = stages.length;
    let stdout = '';
    const fail: string[] = [];
    stages.forEach((argv, i) => {
      const isLast = i === stages.length - 1;
      const [cmd, ...args] = argv as [string, ...string[]];
      const child = spawn(cmd, args, {
        env: opts.env,
        stdio: [
          (prev as unknown as import('node:stream').Stream) ?? 'ignore',
          isLast && opts.stdoutFd !== undefined ? opts.stdoutFd : 'pipe',
          'pipe',
        ],
      });
      let err = '';
      child.stderr?.on('data', (d: Buffer) => {
        err += d.toString();
      });
      // the next stage has its own copy of the pipe: drop ours, or this child's 'close' never comes
      if (prev !== undefined) (prev as unknown as { destroy(): void }).destroy();
      prev = child.stdout ?? undefined;
      if (isLast && opts.stdoutFd === undefined)
        child.stdout?.on('data', (d: Buffer) => {
          stdout += d.toString();
        });
      child.on('error', reject);
      child.on('close', (code) => {
        if (code !== 0) fail.push(`${argv.join(' ')} exited ${code}: ${err.slice(-500)}`);
        if (--pending === 0) {
          if (fail.length > 0) reject(new Error(fail.join('\n')));
          else resolve({ ms: performance.now() - t0, stdout });
        }
      });
    });
  });
}

async function startS3(dir: string): Promise<{ env: NodeJS.ProcessEnv; stop: () => void }> {
  const child = spawn(process.execPath, [`${ROOT}scripts/s3-loopback.mjs`, dir, 'bench'], { stdio: 'pipe' });
  const line = await new Promise<string>((ok) => createInterface({ input: child.stdout }).once('line', ok));
  child.stdout.resume(); // request lines: not kept
  const { port } = JSON.parse(line) as { port: number };
  return {
    env: {
      ...process.env,
      AWS_ENDPOINT_URL_S3: `http://127.0.0.1:${port}`,
      AWS_REGION: 'us-east-1',
      AWS_ACCESS_KEY_ID: 'S3RVER',
      AWS_SECRET_ACCESS_KEY: 'S3RVER',
    },
    stop: () => child.stdin.end(),
  };
}

const lastJson = (stderr: string): Child => JSON.parse(stderr.trim().split('\n').at(-1) ?? '{}') as Child;
const mbps = (bytes: number, ms: number): string => `${(bytes / 1e6 / (ms / 1000)).toFixed(0)} MB/s`;

export async function benchBackup(quick: boolean, rounds: number): Promise<Figure[]> {
  const dir = mkdtempSync(join(tmpdir(), 'talos-dr-bench-backup-'));
  const s3 = await startS3(join(dir, 's3'));
  try {
    // one bundled .mjs on plain node: its maxRSS is talos-dr's, not tsx's
    const child = await bundleEntry(`${ROOT}bench/backup-child.ts`);
    await mustRun(['age-keygen', '-o', join(dir, 'key.txt')]);
    const recipient = (await mustRun(['age-keygen', '-y', join(dir, 'key.txt')])).stdout.trim();
    const figures: Figure[] = [...(await librariesAlone(dir, quick ? 64 * MiB : 256 * MiB, recipient))];
    for (const size of quick ? [64 * MiB, 128 * MiB] : [1024 * MiB, 2048 * MiB]) {
      const label = size >= 1024 * MiB ? `${size / 1024 / MiB} GiB` : `${size / MiB} MiB`;
      const snap = join(dir, `snap-${label.replace(' ', '')}.db`);
      log(`backup: generating a ${label} snapshot-shaped file`);
      writeSnapshotShaped(snap, size);
      const t = { ours: [] as number[], shell: [] as number[], oursOpen: [] as number[], shellOpen: [] as number[] };
      let rss = 0;
      let rssOpen = 0;
      let stored = 0;
      for (let r = 0; r < rounds; r++) {
        log(`backup: ${label}, round ${r + 1}/${rounds}`);
        const order = r % 2 === 0 ? ['ours', 'shell'] : ['shell', 'ours'];
        for (const which of order) {
          if (which === 'ours') {
            const run = await mustRun([process.execPath, child, 'store', snap, 'bench', `o${r}`, recipient], {
              env: s3.env as Record<string, string>,
            });
            const res = lastJson(run.stderr);
            t.ours.push(run.ms);
            rss = Math.max(rss, res.maxRssKiB);
            const object = res.object as { key: string; bytes: number; sha256: string };
            stored = object.bytes;
            const head = res.head as { bytes: number; sha256: string };
            const rec = {
              bucket: 'bench',
              prefix: `o${r}`,
              record: {
                format: 1,
                id: 'x',
                cluster: { id: 'bench', name: '' },
                takenAt: '',
                result: 'ok',
                snapshot: { bytes: head.bytes, sha256: head.sha256, etcdHash: '', revision: 0, totalKeys: 0 },
                object: { ...object, compression: 'gzip', recipients: [recipient] },
                verifications: [],
              },
            };
            writeFileSync(join(dir, 'rec.json'), JSON.stringify(rec));
            const out = join(dir, `out-${r}.db`);
            const open = await mustRun(
              [process.execPath, child, 'open', join(dir, 'rec.json'), join(dir, 'key.txt'), out],
              { env: s3.env as Record<string, string> },
            );
            const o = lastJson(open.stderr);
            if (!(o.opened as { ok: boolean }).ok) throw new Error(`open failed: ${JSON.stringify(o.opened)}`);
            t.oursOpen.push(open.ms);
            rssOpen = Math.max(rssOpen, o.maxRssKiB);
            rmSync(out, { force: true });
          } else {
            t.shell.push(await shellStore(snap, child, recipient, `s${r}`, s3.env));
            t.shellOpen.push(await shellOpen(dir, child, `s${r}`, s3.env));
          }
        }
      }
      rmSync(snap, { force: true });
      const [ours, shell, oOpen, sOpen] = [median(t.ours), median(t.shell), median(t.oursOpen), median(t.shellOpen)];
      const bytes = size + 32;
      figures.push(
        figure(
          `backup pipeline, ${label}: throughput`,
          shell / ours,
          '× shell',
          '>= 0.8',
          `talos-dr ${(ours / 1000).toFixed(1)} s (${mbps(bytes, ours)}) vs shell ${(shell / 1000).toFixed(1)} s (${mbps(bytes, shell)}), gzip+age ${(bytes / 1e6).toFixed(0)} → ${(stored / 1e6).toFixed(0)} MB to loopback S3 (medians of ${rounds})`,
        ),
        figure(
          `backup pipeline, ${label}: peak RSS`,
          rss / 1024,
          'MB',
          '<= 200',
          'maxRSS of the talos-dr pipeline process',
        ),
        figure(
          `backup verify, ${label}: throughput`,
          sOpen / oOpen,
          '× shell',
          '>= 0.8',
          `talos-dr ${(oOpen / 1000).toFixed(1)} s vs shell ${(sOpen / 1000).toFixed(1)} s: S3 get + sha256, age -d, gunzip, trailer (etcdctl status not run: the file is not bbolt)`,
        ),
        figure(
          `backup verify, ${label}: peak RSS`,
          rssOpen / 1024,
          'MB',
          '<= 200',
          'maxRSS of the talos-dr verify process',
        ),
      );
    }
    return figures;
  } finally {
    s3.stop();
    rmSync(dir, { recursive: true, force: true });
  }
}

/** trailer check (head | sha256sum), then gzip | age | put: what a backup script does. */
async function shellStore(
  snap: string,
  child: string,
  recipient: string,
  prefix: string,
  env: NodeJS.ProcessEnv,
): Promise<number> {
  const a = await trailerCheck(snap, env);
  const b = await pipe(
    [
      ['gzip', '-c', '-6', snap],
      ['age', '-r', recipient],
      [process.execPath, child, 'put', 'bench', prefix, 'obj.db.gz.age'],
    ],
    { env },
  );
  return a + b.ms;
}

/** `head -c -32 f | sha256sum` against `tail -c 32 f | od`: etcd's trailer check in shell. */
async function trailerCheck(f: string, env: NodeJS.ProcessEnv): Promise<number> {
  const [a, b] = await Promise.all([
    pipe([['head', '-c', '-32', f], ['sha256sum']], { env }),
    pipe(
      [
        ['tail', '-c', '32', f],
        ['od', '-An', '-v', '-tx1'],
      ],
      { env },
    ),
  ]);
  if (a.stdout.split(' ')[0] !== b.stdout.replace(/\s+/g, '')) throw new Error(`shell: trailer of ${f} does not match`);
  return Math.max(a.ms, b.ms);
}

/** get | age -d | gunzip > file, then the trailer check on the file. */
async function shellOpen(dir: string, child: string, prefix: string, env: NodeJS.ProcessEnv): Promise<number> {
  const out = join(dir, 'shell-out.db');
  const fd = openSync(out, 'w', 0o600);
  let ms = 0;
  try {
    ms += (
      await pipe(
        [
          [process.execPath, child, 'get', 'bench', prefix, 'obj.db.gz.age'],
          ['age', '-d', '-i', join(dir, 'key.txt')],
          ['gunzip', '-c'],
        ],
        { env, stdoutFd: fd },
      )
    ).ms;
  } finally {
    closeSync(fd);
  }
  ms += await trailerCheck(out, env);
  rmSync(out, { force: true });
  return ms;
}

/** The libraries alone (`--only backup-libs`): a machine busy elsewhere skews their single runs most. */
export async function benchBackupLibraries(quick: boolean): Promise<Figure[]> {
  const dir = mkdtempSync(join(tmpdir(), 'talos-dr-bench-libs-'));
  try {
    await mustRun(['age-keygen', '-o', join(dir, 'key.txt')]);
    const recipient = (await mustRun(['age-keygen', '-y', join(dir, 'key.txt')])).stdout.trim();
    return await librariesAlone(dir, quick ? 64 * MiB : 256 * MiB, recipient);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

/** age-encryption vs `age`, zlib vs `gzip`, on the same bytes (what a library bottleneck would show). */
async function librariesAlone(dir: string, bytes: number, recipient: string): Promise<Figure[]> {
  const f = join(dir, 'lib.bin');
  writeSnapshotShaped(f, bytes);
  const gz = join(dir, 'lib.bin.gz');
  const fd = openSync(gz, 'w');
  const gzipCli = await pipe([['gzip', '-c', '-6', f]], { env: process.env, stdoutFd: fd });
  closeSync(fd);
  const ageCli = await pipe([['age', '-r', recipient, '-o', join(dir, 'lib.age'), gz]], { env: process.env });
  const script = `
    import { createReadStream, createWriteStream } from 'node:fs';
    import { pipeline } from 'node:stream/promises';
    import { createGzip } from 'node:zlib';
    import { Duplex } from 'node:stream';
    const { Encrypter } = await import(${JSON.stringify(`${ROOT}node_modules/age-encryption/dist/index.js`)});
    const [what, src, rec] = process.argv.slice(1);
    const t0 = performance.now();
    if (what === 'gzip') await pipeline(createReadStream(src, { highWaterMark: 1 << 20 }), createGzip({ level: 6, chunkSize: 65536 }), createWriteStream('/dev/null'));
    else await pipeline(createReadStream(src, { highWaterMark: 1 << 20 }), Duplex.from(async function* (s) { const e = new Encrypter(); e.addRecipient(rec); for await (const c of await e.encrypt(ReadableStream.from(s))) yield c; }), createWriteStream('/dev/null'));
    process.stderr.write(JSON.stringify({ ms: performance.now() - t0 }) + '\\n');`;
  const zlib = lastJson((await mustRun([process.execPath, '--input-type=module', '-e', script, 'gzip', f])).stderr);
  const ageLib = lastJson(
    (await mustRun([process.execPath, '--input-type=module', '-e', script, 'age', gz, recipient])).stderr,
  );
  const gzBytes = readFileSync(gz).length;
  rmSync(f, { force: true });
  log(
    `backup: libraries alone: zlib ${mbps(bytes, zlib.ms)} vs gzip ${mbps(bytes, gzipCli.ms)}; age-encryption ${mbps(gzBytes, ageLib.ms)} vs age ${mbps(gzBytes, ageCli.ms)}`,
  );
  return [
    figure(
      'backup: node:zlib gzip alone',
      gzipCli.ms / zlib.ms,
      '× gzip CLI',
      '>= 0.8',
      `zlib ${mbps(bytes, zlib.ms)} vs gzip -6 ${mbps(bytes, gzipCli.ms)} on ${(bytes / MiB).toFixed(0)} MiB`,
    ),
    // age only has to keep up with gzip's output (a fraction of the snapshot): time to gzip the
    // bytes / time to encrypt what gzip made of them; ≥ 1 means it is not the bottleneck
    figure(
      'backup: age-encryption alone vs the gzip it follows',
      zlib.ms / ageLib.ms,
      '× gzip time',
      '>= 1',
      `age-encryption ${mbps(gzBytes, ageLib.ms)} on the ${(gzBytes / 1e6).toFixed(0)} MB gzip stream (the age CLI: ${mbps(gzBytes, ageCli.ms)}); zlib made it from ${(bytes / MiB).toFixed(0)} MiB at ${mbps(bytes, zlib.ms)}`,
    ),
  ];
}
