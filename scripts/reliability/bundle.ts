import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { build } from 'esbuild';

const cache = new Map<string, string>();

/**
 * Bundles a TypeScript entry into one .mjs in a temp dir, so the campaign can start many real
 * processes on plain `node` (tens of ms each) instead of paying tsx's start-up for every one.
 */
export async function bundleEntry(entry: string): Promise<string> {
  const hit = cache.get(entry);
  if (hit) return hit;
  const out = join(mkdtempSync(join(tmpdir(), 'tdr-rel-')), 'entry.mjs');
  await build({
    entryPoints: [entry],
    outfile: out,
    bundle: true,
    format: 'esm',
    platform: 'node',
    target: 'node20',
    banner: { js: "import { createRequire as __cr } from 'node:module'; const require = __cr(import.meta.url);" },
    logLevel: 'warning',
  });
  cache.set(entry, out);
  return out;
}
