// A real S3-compatible server (s3rver, a devDependency) on loopback for the tests and the
// benchmark: `node scripts/s3-loopback.mjs <dir> <bucket>…` binds 127.0.0.1 on a free port,
// creates the buckets, prints {"port":N} on one line then one line per request, and stops when its stdin closes (so it never
// outlives the test or bench that started it) or on SIGTERM. Never any other address.
import S3rver from 's3rver';

const [dir, ...buckets] = process.argv.slice(2);
if (!dir) {
  process.stderr.write('usage: s3-loopback.mjs <dir> <bucket>…\n');
  process.exit(2);
}
const server = new S3rver({
  address: '127.0.0.1',
  port: 0,
  directory: dir,
  silent: true,
  configureBuckets: buckets.map((name) => ({ name })),
});
// one stdout line per request (`PUT /bucket/key?partNumber=2&uploadId=…`): tests assert on them
// (a multipart upload is seen, not assumed); first in the chain, so every request is logged
server.middleware.unshift(async (ctx, next) => {
  process.stdout.write(`${ctx.method} ${ctx.url}\n`);
  await next();
});
const { port } = await server.run();
process.stdout.write(`${JSON.stringify({ port })}\n`);
const stop = async () => {
  await server.close();
  process.exit(0);
};
process.stdin.on('end', stop);
process.stdin.on('close', stop);
process.stdin.resume();
process.on('SIGTERM', stop);
