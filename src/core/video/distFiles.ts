/**
 * Where the built browser bundles (dist/film, dist/webview) are at run time:
 * beside this bundle (dist/cli.js, dist/extension.js), or in the checkout's
 * dist/ when running from source (tests). A missing one says how to build it.
 */
import { existsSync, readFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';

function checkoutRoot(start: string): string | undefined {
  let dir = resolve(start);
  for (;;) {
    if (existsSync(join(dir, 'esbuild.mjs')) && existsSync(join(dir, 'package.json'))) return dir;
    const up = dirname(dir);
    if (up === dir) return undefined;
    dir = up;
  }
}

export function distFile(rel: string): string {
  const here = typeof __dirname === 'string' ? __dirname : process.cwd();
  const candidates = [join(here, rel)];
  for (const start of [here, process.cwd()]) {
    const root = checkoutRoot(start);
    if (root) candidates.push(join(root, 'dist', rel));
  }
  const found = candidates.find((p) => existsSync(p));
  if (!found) throw Object.assign(new Error(`NemoCognition's ${rel} was not found (looked in ${[...new Set(candidates)].join(', ')}).`), { fix: 'Build it with `npm run build`.' });
  return found;
}

export function readDistFile(rel: string): string {
  return readFileSync(distFile(rel), 'utf8');
}
