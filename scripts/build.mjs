// Bundles the CLI entry points with esbuild: one ESM file per entry plus shared chunks, so
// start-up loads only what a command needs (commands import their heavy parts lazily).
import { existsSync, rmSync } from 'node:fs';
import { build } from 'esbuild';

const entries = {
  'talos-dr': 'src/entry/talos-dr.ts',
  'talosctl-lab': 'src/entry/talosctl-lab.ts',
  'lab-supervisor': 'src/entry/lab-supervisor.ts',
};

const entryPoints = Object.fromEntries(Object.entries(entries).filter(([, src]) => existsSync(src)));

rmSync('dist', { recursive: true, force: true });
await build({
  entryPoints,
  outdir: 'dist',
  bundle: true,
  splitting: true,
  format: 'esm',
  platform: 'node',
  target: 'node20',
  sourcemap: 'linked',
  outExtension: { '.js': '.mjs' },
  chunkNames: 'chunks/[name]-[hash]',
  // yaml and a few deps are CommonJS and call require(): give the ESM bundle one.
  banner: { js: "import { createRequire as __cr } from 'node:module'; const require = __cr(import.meta.url);" },
  external: ['node-pty', 'playwright-core'],
  logLevel: 'warning',
});
