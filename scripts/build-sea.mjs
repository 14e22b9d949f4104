// `npm run build:sea`: the single executable dist-sea/talos-dr (Node's single executable
// applications): one CommonJS bundle of everything (Node 20's SEA runs one script that may
// require only built-in modules), the built-in runbooks as an asset, both injected into a copy of
// this node binary with postject. The executable plays every part of talos-dr
// (src/entry/single-executable.ts), so it needs no other file.
import { execFileSync } from 'node:child_process';
import { chmodSync, copyFileSync, mkdirSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { builtinModules } from 'node:module';
import { build } from 'esbuild';

const OUT = 'dist-sea';
// the fuse Node 20 looks for in its binary to know that a blob was injected
const FUSE = 'NODE_SEA_FUSE_fce680ab2cc467b6e072b8b5df1996b2';

const t0 = Date.now();
rmSync(OUT, { recursive: true, force: true });
mkdirSync(OUT, { recursive: true });

await build({
  entryPoints: { 'talos-dr': 'src/entry/single-executable.ts' },
  outdir: OUT,
  outExtension: { '.js': '.cjs' },
  bundle: true,
  format: 'cjs',
  platform: 'node',
  target: 'node20',
  // import.meta only finds dist/ and bin/ files of an install; those paths never run in the
  // executable (self-command.ts, runbook/source.ts ask isSea() first)
  logOverride: { 'empty-import-meta': 'silent' },
  logLevel: 'warning',
  plugins: [dynamicBuiltinsAsRequire()],
});

// the runbooks a user gets with `list`, `run <name>`, `drill <name>`: laid out as files at run time
const runbooks = Object.fromEntries(
  readdirSync('runbooks')
    .filter((f) => /\.ya?ml$/.test(f))
    .sort()
    .map((f) => [f, readFileSync(`runbooks/${f}`, 'utf8')]),
);
writeFileSync(`${OUT}/runbooks.json`, JSON.stringify(runbooks));

execFileSync(process.execPath, ['--experimental-sea-config', 'sea-config.json'], { stdio: 'inherit' });
const exe = `${OUT}/talos-dr`;
copyFileSync(process.execPath, exe);
chmodSync(exe, 0o755);
execFileSync(
  process.execPath,
  ['node_modules/postject/dist/cli.js', exe, 'NODE_SEA_BLOB', `${OUT}/talos-dr.blob`, '--sentinel-fuse', FUSE],
  // postject prints a warning per ELF note section it cannot name: harmless, and noise
  { stdio: ['ignore', 'inherit', 'ignore'] },
);
/**
 * Node 20's SEA script has no dynamic import() at all (ERR_VM_DYNAMIC_IMPORT_CALLBACK_MISSING),
 * and esbuild keeps `await import('node:fs')` of a built-in as it is. Our lazy commands and the AWS
 * SDK do that: each such import becomes a small bundled module that require()s the built-in, which
 * esbuild then loads like any bundled module (no import() left).
 */
function dynamicBuiltinsAsRequire() {
  const builtins = new Set(builtinModules.flatMap((m) => [m, `node:${m}`]));
  return {
    name: 'dynamic-builtins-as-require',
    setup(b) {
      b.onResolve({ filter: /.*/ }, (a) =>
        a.kind === 'dynamic-import' && builtins.has(a.path) ? { path: a.path, namespace: 'sea-builtin' } : undefined,
      );
      b.onLoad({ filter: /.*/, namespace: 'sea-builtin' }, (a) => ({
        contents: `module.exports = require(${JSON.stringify(a.path)});`,
        loader: 'js',
      }));
    },
  };
}

const version = execFileSync(exe, ['--version'], { encoding: 'utf8' }).trim();
const mb = (readFileSync(exe).length / 1e6).toFixed(1);
process.stdout.write(`${exe}: talos-dr ${version}, ${mb} MB, built in ${((Date.now() - t0) / 1000).toFixed(1)} s\n`);
