import { readdirSync, readFileSync } from 'node:fs';
import { isBuiltin } from 'node:module';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';

/**
 * The tarball installs no dependency (package.json has none: dist/ bundles them), so the bundles
 * may load nothing but Node's built-in modules. A library left external by the build would work
 * in a checkout (node_modules is there) and fail only after `npm install -g`.
 */
const files = (dir: string): string[] =>
  readdirSync(dir, { withFileTypes: true }).flatMap((e) =>
    e.isDirectory() ? files(join(dir, e.name)) : e.name.endsWith('.mjs') ? [join(dir, e.name)] : [],
  );

describe('dist/ (what the tarball runs)', () => {
  it('imports and requires only built-in modules and its own chunks', () => {
    const foreign: string[] = [];
    for (const file of files('dist')) {
      const code = readFileSync(file, 'utf8');
      const specifiers = [
        ...code.matchAll(/\bfrom\s*["']([^"'\s]+)["']/g),
        ...code.matchAll(/\bimport\s*\(\s*["']([^"'\s]+)["']\s*\)/g),
        ...code.matchAll(/\b(?:__)?require\s*\(\s*["']([^"'\s]+)["']\s*\)/g),
        ...code.matchAll(/^import\s*["']([^"'\s]+)["']/gm),
      ].map((m) => m[1] ?? '');
      for (const s of specifiers)
        if (!s.startsWith('.') && !isBuiltin(s) && !s.includes('${')) foreign.push(`${file}: ${s}`);
    }
    // the AWS SDK names optional CRT/SigV4a packages only inside its error messages (`${…}`: a
    // template in xstate's messages)
    expect(foreign.filter((f) => !/@aws-sdk\/signature-v4(-crt|a)$/.test(f))).toEqual([]);
  });

  it('package.json declares no runtime dependency for npm to fetch', () => {
    const pkg = JSON.parse(readFileSync('package.json', 'utf8')) as Record<string, unknown>;
    expect(pkg.dependencies).toBeUndefined();
    expect(pkg.optionalDependencies).toBeUndefined();
  });
});
