#!/usr/bin/env node
// Installs the agent runtime NemoCognition drives: a pinned OpenClaw CLI and the
// Node 24 it needs, into a private folder (never the project's package.json).
//
//   node .ci/install-agent-runtime.mjs            install (fast no-op when already there)
//   node .ci/install-agent-runtime.mjs --check    only report whether it is installed (exit 1 if not)
//
// Folder: $NEMOCOG_RUNTIME_DIR, else <repo>/.cache/agent-runtime.
//
// The logic lives in src/core/bridge/openclaw/install.ts, which the VS Code
// extension ships (this script is not in the .vsix). It is loaded through tsx
// (a devDependency, there after `npm ci`, which .ci/ensure-deps.mjs runs
// first), so there is one installer and one set of pins, not two to keep in step.
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';

// Read by people and by test/core/bridge/command.test.ts; main() refuses to
// run if they differ from runtime.ts, the pins the installer actually uses.
export const OPENCLAW_VERSION = '2026.9.6';
export const NODE_VERSION = '24.21.0';

const repo = resolve(dirname(fileURLToPath(import.meta.url)), '..');
const dir = resolve(process.env.NEMOCOG_RUNTIME_DIR || join(repo, '.cache', 'agent-runtime'));

const log = (msg) => console.log(`[agent-runtime] ${msg}`);

async function loadInstaller() {
  let tsImport;
  try {
    ({ tsImport } = await import('tsx/esm/api'));
  } catch {
    throw new Error(`tsx is not installed in ${repo}/node_modules. Run \`npm ci\` in ${repo} first, then run this script again.`);
  }
  const load = (rel) => tsImport(pathToFileURL(join(repo, rel)).href, import.meta.url);
  const [install, runtime] = await Promise.all([load('src/core/bridge/openclaw/install.ts'), load('src/core/bridge/openclaw/runtime.ts')]);
  if (runtime.OPENCLAW_VERSION !== OPENCLAW_VERSION || runtime.AGENT_NODE_VERSION !== NODE_VERSION) {
    throw new Error(
      `Pins differ: this script says openclaw ${OPENCLAW_VERSION} / node ${NODE_VERSION}, runtime.ts says ${runtime.OPENCLAW_VERSION} / ${runtime.AGENT_NODE_VERSION}. Update the constants at the top of .ci/install-agent-runtime.mjs.`,
    );
  }
  return install;
}

const main = async () => {
  const { installAgentRuntime, isAgentRuntimeInstalled } = await loadInstaller();
  if (await isAgentRuntimeInstalled(dir)) {
    log(`already installed in ${dir} (openclaw ${OPENCLAW_VERSION}, node v${NODE_VERSION})`);
    return 0;
  }
  if (process.argv.includes('--check')) {
    log(`not installed in ${dir}. Run: node .ci/install-agent-runtime.mjs`);
    return 1;
  }
  const t0 = Date.now();
  await installAgentRuntime(dir, { onProgress: log });
  log(`done in ${((Date.now() - t0) / 1000).toFixed(1)} s`);
  return 0;
};

if (process.argv[1] && resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  main().then(
    (code) => {
      process.exitCode = code;
    },
    (e) => {
      console.error(`[agent-runtime] ${e.message}`);
      process.exitCode = 1;
    },
  );
}
