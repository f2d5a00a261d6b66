// Bundles every deliverable of NemoCognition.
//   node esbuild.mjs               development build (sourcemaps, not minified)
//   node esbuild.mjs --watch       rebuild on change
//   node esbuild.mjs --production  minified, external sourcemaps (used by `npm run package`)
import * as esbuild from 'esbuild';
import { copyFileSync, cpSync, mkdirSync, existsSync, readdirSync, readFileSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { execFileSync } from 'node:child_process';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = dirname(fileURLToPath(import.meta.url));
const production = process.argv.includes('--production');
const watch = process.argv.includes('--watch');
const bridgeOnly = process.argv.includes('--bridge-only');
const out = join(root, 'dist');

const common = {
  bundle: true,
  sourcemap: production ? 'linked' : 'inline',
  minify: production,
  logLevel: 'info',
  legalComments: 'none',
};

/** Node-side bundles (CommonJS). `vscode` is provided by the host at run time. */
const nodeTargets = [
  { entryPoints: { extension: 'src/extension.ts' }, external: ['vscode'] },
  { entryPoints: { cli: 'src/cli/main.ts' }, banner: { js: '#!/usr/bin/env node' } },
  // The replay section drives Chromium with playwright-core, which cannot be bundled: loaded from node_modules.
  { entryPoints: { bench: 'bench/main.ts' }, external: ['playwright-core'] },
  // Runs inside the agent's own Node (24) process, loaded by OpenClaw as a plugin.
  { entryPoints: { 'openclaw-plugin/index': 'src/core/bridge/openclaw/plugin/index.ts' }, format: 'esm', outExtension: { '.js': '.mjs' } },
].filter((t) => Object.values(t.entryPoints).every((p) => existsSync(join(root, p))));

// playwright-core cannot be bundled (it reads its own package files at run time): it is loaded
// from dist/node_modules, where copyAssets() puts it, so the CLI and the .vsix both find it.
const builds = nodeTargets.map((t) => ({
  ...common,
  platform: 'node',
  target: 'node20',
  format: 'cjs',
  outdir: out,
  ...t,
  external: [...(t.external ?? []), 'playwright-core'],
}));

/** The replay webview: a browser ES module, loaded by nonce under a strict CSP. */
if (existsSync(join(root, 'webview/src/main.tsx'))) {
  builds.push({
    ...common,
    platform: 'browser',
    target: 'es2022',
    format: 'esm',
    // codicon.css (+ its font) for the icons: linked by the page with the id vscode-icon looks for.
    entryPoints: { main: 'webview/src/main.tsx', codicon: 'node_modules/@vscode/codicons/dist/codicon.css' },
    outdir: join(out, 'webview'),
    jsx: 'automatic',
    jsxImportSource: 'preact',
    loader: { '.css': 'css', '.ttf': 'file', '.woff2': 'file' },
  });
}

/** The static host of a shared replay file (nemocog export-html): answers the Replay app's protocol from inlined data. */
if (existsSync(join(root, 'webview/static-host/main.ts'))) {
  builds.push({
    ...common,
    platform: 'browser',
    target: 'es2022',
    format: 'iife',
    entryPoints: { 'static-host': 'webview/static-host/main.ts' },
    outdir: join(out, 'webview'),
    loader: { '.css': 'css' },
  });
}

/** The storyboard film (video frames, drawn in headless Chromium): a browser script that sets window.ncFilm. */
if (existsSync(join(root, 'webview/film/main.tsx'))) {
  builds.push({
    ...common,
    platform: 'browser',
    target: 'es2022',
    format: 'iife',
    entryPoints: { film: 'webview/film/main.tsx' },
    outdir: join(out, 'film'),
    jsx: 'automatic',
    jsxImportSource: 'preact',
    loader: { '.css': 'css' },
  });
}

function copyAssets() {
  mkdirSync(out, { recursive: true });
  copyFileSync(join(root, 'node_modules/sql.js/dist/sql-wasm.wasm'), join(out, 'sql-wasm.wasm'));
  // The Storyboard contract's JSON Schema ships beside the code that writes it.
  copyFileSync(join(root, 'src/core/storyboard/storyboard.schema.json'), join(out, 'storyboard.schema.json'));
  copyPlaywrightCore();
  buildNative();
}

/** dist/node_modules/playwright-core: a copy of the installed one, refreshed when its version changes. */
function copyPlaywrightCore() {
  const from = join(root, 'node_modules/playwright-core');
  const to = join(out, 'node_modules/playwright-core');
  if (!existsSync(from)) return;
  const version = (dir) => (existsSync(join(dir, 'package.json')) ? JSON.parse(readFileSync(join(dir, 'package.json'), 'utf8')).version : null);
  if (version(to) === version(from)) return;
  rmSync(to, { recursive: true, force: true });
  cpSync(from, to, { recursive: true });
}

/** The Landlock launcher is a small C program (nc-landlock.c + netguard.c); build it when a compiler exists. */
function buildNative() {
  const dir = join(root, 'src/core/sandbox/local/native');
  const src = join(dir, 'nc-landlock.c');
  if (!existsSync(src)) return;
  const sources = [src, ...readdirSync(dir).filter((f) => f.endsWith('.c') && f !== 'nc-landlock.c').map((f) => join(dir, f))];
  mkdirSync(join(out, 'native'), { recursive: true });
  try {
    execFileSync('cc', ['-O2', '-Wall', '-o', join(out, 'native/nc-landlock'), ...sources], { stdio: 'inherit' });
    // The same binary as the tools' shell (nc-tool-shell: a nested sandbox without the agent's own state).
    rmSync(join(out, 'native/nc-tool-shell'), { force: true });
    symlinkSync('nc-landlock', join(out, 'native/nc-tool-shell'));
  } catch (e) {
    console.warn(`[esbuild.mjs] could not compile the Landlock launcher (${e.message}); the local sandbox will say so when used.`);
  }
}

/**
 * The OpenClaw bridge as a package of its own (`@nemocognition/openclaw-bridge`):
 * dist/packages/openclaw-bridge with the bundle (CommonJS), the supervisor plugin
 * (ESM, loaded by OpenClaw), type declarations (tsc), the README of its public
 * API and a package.json. `npm pack` in that folder makes the tarball.
 */
async function buildBridgePackage() {
  const src = join(root, 'src/core/bridge/openclaw');
  const pkgDir = join(out, 'packages', 'openclaw-bridge');
  rmSync(pkgDir, { recursive: true, force: true });
  mkdirSync(pkgDir, { recursive: true });
  const nodeBundle = { ...common, sourcemap: false, minify: false, logLevel: 'warning', platform: 'node', target: 'node20' };
  await Promise.all([
    esbuild.build({ ...nodeBundle, format: 'cjs', entryPoints: [join(src, 'index.ts')], outfile: join(pkgDir, 'index.js') }),
    esbuild.build({ ...nodeBundle, format: 'esm', entryPoints: [join(src, 'plugin/index.ts')], outfile: join(pkgDir, 'plugin', 'index.mjs') }),
  ]);
  // Declarations of the bridge and what it imports, under types/; index.d.ts re-exports the bridge's.
  execFileSync(process.execPath, [join(root, 'node_modules/typescript/bin/tsc'), '-p', join(src, 'package/tsconfig.json'), '--outDir', join(pkgDir, 'types')], { stdio: 'inherit' });
  writeFileSync(join(pkgDir, 'index.d.ts'), "export * from './types/bridge/openclaw/index';\n");
  const version = JSON.parse(readFileSync(join(root, 'package.json'), 'utf8')).version;
  const pkg = {
    name: '@nemocognition/openclaw-bridge',
    version,
    description: 'Drive the OpenClaw CLI headless, one supervised agent turn at a time: a plugin asks before every tool call, a strict envelope parser, a pinned runtime.',
    license: 'MIT',
    main: 'index.js',
    types: 'index.d.ts',
    exports: { '.': { types: './index.d.ts', require: './index.js', default: './index.js' }, './plugin': './plugin/index.mjs', './package.json': './package.json' },
    files: ['index.js', 'index.d.ts', 'types/', 'plugin/', 'README.md', 'LICENSE'],
    engines: { node: '>=20.19' },
    keywords: ['openclaw', 'agent', 'supervision', 'sandbox', 'nemoclaw', 'openshell'],
  };
  writeFileSync(join(pkgDir, 'package.json'), `${JSON.stringify(pkg, null, 2)}\n`);
  copyFileSync(join(src, 'package/README.md'), join(pkgDir, 'README.md'));
  copyFileSync(join(root, 'LICENSE'), join(pkgDir, 'LICENSE'));
}

if (bridgeOnly) {
  await buildBridgePackage();
  process.exit(0);
}
copyAssets();
if (watch) {
  const ctxs = await Promise.all(builds.map((b) => esbuild.context(b)));
  await Promise.all(ctxs.map((c) => c.watch()));
  console.log('[esbuild.mjs] watching…');
} else {
  await Promise.all([...builds.map((b) => esbuild.build(b)), buildBridgePackage()]);
}
