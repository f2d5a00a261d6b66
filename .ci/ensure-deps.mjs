#!/usr/bin/env node
// Installs what `npm test`, `npm run demo` and `npm run bench` need and is not
// there yet. Idempotent and quick when everything is present. Runs before
// those scripts (npm `pre` hooks) and from .ci/run on a fresh machine.
//
//   node .ci/ensure-deps.mjs --for test|demo|bench
//
// - npm packages: `npm ci` when node_modules is missing or older than the lock file.
// - Debian packages (only when running as root with apt-get; otherwise prints
//   the command to run): the sandbox (bubblewrap), a C compiler for the
//   Landlock launcher, OpenSSH (client + server for the remote tests), git,
//   ffmpeg (the storyboard's MP4 is encoded and checked with it).
// - The agent runtime (OpenClaw + the Node 24 it needs) in .cache/agent-runtime.
// - Arize Phoenix (pinned, in a Python venv) in .cache/phoenix, for the mirror's
//   tests (`--for test`, `--for phoenix`: npm run test:phoenix) and the benchmark.
import { execFileSync, spawnSync } from 'node:child_process';
import { existsSync, statSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const purpose = (() => {
  const i = process.argv.indexOf('--for');
  return i > 0 ? process.argv[i + 1] : 'test';
})();

const log = (msg) => console.log(`[ensure-deps] ${msg}`);

function have(cmd) {
  return spawnSync('sh', ['-c', `command -v ${cmd}`], { stdio: 'ignore' }).status === 0;
}

function ensureNpm() {
  const lock = join(root, 'package-lock.json');
  const marker = join(root, 'node_modules/.package-lock.json');
  if (existsSync(marker) && statSync(marker).mtimeMs >= statSync(lock).mtimeMs) return;
  log('installing npm packages (npm ci)…');
  execFileSync('npm', ['ci', '--no-audit', '--no-fund'], { cwd: root, stdio: 'inherit' });
}

/** Debian packages by the binary that proves they are installed. */
const DEBIAN = {
  test: { bwrap: 'bubblewrap', cc: 'gcc', ssh: 'openssh-client', '/usr/sbin/sshd': 'openssh-server', git: 'git', curl: 'curl', tar: 'tar', ps: 'procps', chromium: 'chromium', unshare: 'util-linux', ffmpeg: 'ffmpeg' },
  demo: { bwrap: 'bubblewrap', cc: 'gcc', git: 'git' },
  bench: { git: 'git', cc: 'gcc', bwrap: 'bubblewrap', ffmpeg: 'ffmpeg', chromium: 'chromium' },
};

function ensureDebian() {
  const wanted = DEBIAN[purpose] ?? DEBIAN.test;
  const missing = [...new Set(Object.entries(wanted)
    .filter(([bin]) => (bin.startsWith('/') ? !existsSync(bin) : !have(bin)))
    .map(([, pkg]) => pkg))];
  if (missing.length === 0) return;
  const isRoot = process.getuid?.() === 0;
  if (!isRoot || !have('apt-get')) {
    log(`missing system packages: ${missing.join(' ')}. Install them with: sudo apt-get install -y ${missing.join(' ')}`);
    return;
  }
  log(`installing Debian packages: ${missing.join(' ')}`);
  const env = { ...process.env, DEBIAN_FRONTEND: 'noninteractive' };
  execFileSync('apt-get', ['update', '-qq'], { stdio: 'inherit', env });
  execFileSync('apt-get', ['install', '-y', '-qq', '--no-install-recommends', ...missing], { stdio: 'inherit', env });
}

/** code-server (on its own Node 24) for the end-to-end tests that drive the real workbench. */
function ensureCodeServer() {
  const script = join(root, '.ci/install-code-server.mjs');
  if (!existsSync(script)) return;
  execFileSync(process.execPath, [script], { cwd: root, stdio: 'inherit' });
}

function ensureAgentRuntime() {
  const script = join(root, '.ci/install-agent-runtime.mjs');
  if (!existsSync(script)) return;
  execFileSync(process.execPath, [script], { cwd: root, stdio: 'inherit' });
}

/** The real Arize Phoenix (pinned, in a Python venv) for the Phoenix mirror's tests and benchmark. */
function ensurePhoenix() {
  const script = join(root, '.ci/install-phoenix.mjs');
  if (!existsSync(script)) return;
  execFileSync(process.execPath, [script], { cwd: root, stdio: 'inherit' });
}

ensureNpm();
ensureDebian();
if (purpose !== 'bench') ensureAgentRuntime();
// The demo ends by opening its replay in the workbench (code-server); the tests drive the same workbench.
if (purpose === 'test' || purpose === 'demo') ensureCodeServer();
if (purpose === 'test' || purpose === 'phoenix' || purpose === 'bench') ensurePhoenix();
