#!/usr/bin/env node
// Installs the agent runtime NemoCognition drives: a pinned OpenClaw CLI and the
// Node 24 it needs, into a private folder (never the project's package.json).
//
//   node .ci/install-agent-runtime.mjs            install (fast no-op when already there)
//   node .ci/install-agent-runtime.mjs --check    only report whether it is installed (exit 1 if not)
//
// Folder: $NEMOCOG_RUNTIME_DIR, else <repo>/.cache/agent-runtime.
//
// Why two steps: OpenClaw's own preinstall script refuses Node < 24.16, and
// this machine's npm runs on Node 20. So Node 24 comes first (the npm package
// `node` ships the binary), then npm runs again with that Node first on PATH,
// so OpenClaw's install scripts see Node 24.
import { execFileSync, spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

export const OPENCLAW_VERSION = '2026.9.6';
export const NODE_VERSION = '24.21.0';
// Packages whose install scripts the runtime needs (npm 11 asks for approval):
// node (puts the binary in place), openclaw (bundled plugins), koffi (native
// prebuild), protobufjs, @google/genai (no-op).
const ALLOW_SCRIPTS = ['node', 'openclaw', 'koffi', 'protobufjs', '@google/genai'];

const repo = resolve(dirname(fileURLToPath(import.meta.url)), '..');
const dir = resolve(process.env.NEMOCOG_RUNTIME_DIR || join(repo, '.cache', 'agent-runtime'));
const nodeBin = join(dir, 'node_modules', 'node', 'bin', 'node');
const openclawEntry = join(dir, 'node_modules', 'openclaw', 'openclaw.mjs');
const marker = join(dir, 'nemocog-runtime.json');

const log = (msg) => console.log(`[agent-runtime] ${msg}`);

function installedVersions() {
  try {
    const node = execFileSync(nodeBin, ['--version'], { encoding: 'utf8' }).trim();
    const pkg = JSON.parse(readFileSync(join(dir, 'node_modules', 'openclaw', 'package.json'), 'utf8'));
    return { node, openclaw: pkg.version };
  } catch {
    return undefined;
  }
}

function isInstalled() {
  const v = installedVersions();
  return !!v && v.node === `v${NODE_VERSION}` && v.openclaw === OPENCLAW_VERSION && existsSync(openclawEntry) && existsSync(marker);
}

function npm(args, env) {
  log(`npm ${args.join(' ')}`);
  const r = spawnSync('npm', args, { cwd: dir, env, stdio: ['ignore', 'inherit', 'inherit'] });
  if (r.status !== 0) {
    throw new Error(`npm ${args[0]} failed (exit ${r.status ?? r.signal}). Check network access to the npm registry, then run this script again.`);
  }
}

function install() {
  mkdirSync(dir, { recursive: true });
  // A package.json of its own, so npm never walks up into the project's
  // manifest; it also holds the install-script approvals (npm 11 refuses
  // --allow-scripts on the command line for project installs).
  const allowScripts = Object.fromEntries(ALLOW_SCRIPTS.map((p) => [p, true]));
  writeFileSync(join(dir, 'package.json'), JSON.stringify({ name: 'nemocog-agent-runtime', private: true, allowScripts }, null, 2) + '\n');
  const common = ['--prefix', dir, '--no-save', '--no-audit', '--no-fund', '--loglevel=error'];

  if (installedVersions()?.node !== `v${NODE_VERSION}`) npm(['install', ...common, `node@${NODE_VERSION}`], process.env);
  if (!existsSync(nodeBin)) throw new Error(`node@${NODE_VERSION} installed but ${nodeBin} is missing: its install script did not run. Allow install scripts for "node" and retry.`);

  // Both packages in one command: with --no-save, npm prunes what the command does not name.
  const env = { ...process.env, PATH: `${dirname(nodeBin)}:${process.env.PATH ?? ''}` };
  npm(['install', ...common, `openclaw@${OPENCLAW_VERSION}`, `node@${NODE_VERSION}`], env);

  const out = spawnSync(nodeBin, [openclawEntry, '--version'], { encoding: 'utf8', env: { ...process.env, HOME: dir } });
  if (out.status !== 0 || !out.stdout.includes(OPENCLAW_VERSION)) {
    throw new Error(`openclaw --version failed after install (exit ${out.status}): ${(out.stderr || out.stdout).slice(0, 500)}`);
  }
  writeFileSync(marker, JSON.stringify({ openclaw: OPENCLAW_VERSION, node: NODE_VERSION, nodeBin, openclawEntry, installedAt: new Date().toISOString() }, null, 2) + '\n');
  log(`ready: ${out.stdout.trim()} on Node v${NODE_VERSION}`);
}

const main = () => {
  if (isInstalled()) {
    log(`already installed in ${dir} (openclaw ${OPENCLAW_VERSION}, node v${NODE_VERSION})`);
    return 0;
  }
  if (process.argv.includes('--check')) {
    log(`not installed in ${dir}. Run: node .ci/install-agent-runtime.mjs`);
    return 1;
  }
  log(`installing openclaw@${OPENCLAW_VERSION} and node@${NODE_VERSION} into ${dir}`);
  const t0 = Date.now();
  install();
  log(`done in ${((Date.now() - t0) / 1000).toFixed(1)} s`);
  return 0;
};

if (process.argv[1] && resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  try {
    process.exitCode = main();
  } catch (e) {
    console.error(`[agent-runtime] ${e.message}`);
    process.exitCode = 1;
  }
}
