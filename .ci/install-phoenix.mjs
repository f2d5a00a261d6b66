#!/usr/bin/env node
// Installs the real Arize Phoenix (pinned, from PyPI) into a Python venv for the
// Phoenix mirror's tests and benchmark. Idempotent and quick when present.
//
//   node .ci/install-phoenix.mjs            # install if missing
//   node .ci/install-phoenix.mjs --print    # print the paths as JSON, install nothing
//
// Target folder: $NEMOCOG_PHOENIX_DIR, else <repo>/.cache/phoenix/
//   venv/            python3 -m venv, then pip install arize-phoenix==PHOENIX_VERSION
//   installed.json   written last, only after `phoenix --help` ran from the venv
//
// The same two commands README gives users:
//   python3 -m venv .venv-phoenix && .venv-phoenix/bin/pip install arize-phoenix==20.26.1
//   PHOENIX_TELEMETRY_ENABLED=false .venv-phoenix/bin/phoenix serve
// About 36 s and 850 MB (pandas, pyarrow, grpcio...). Needs python3 with the venv module
// (Debian: python3-venv); as root it is installed with apt-get when missing.
import { execFileSync, spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

export const PHOENIX_VERSION = '20.26.1';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const dir = resolve(process.env.NEMOCOG_PHOENIX_DIR || join(root, '.cache/phoenix'));
const venv = join(dir, 'venv');
const paths = { dir, venv, phoenix: join(venv, 'bin/phoenix'), python: join(venv, 'bin/python'), version: PHOENIX_VERSION };
const marker = join(dir, 'installed.json');
const log = (msg) => console.log(`[install-phoenix] ${msg}`);

function installed() {
  try {
    const m = JSON.parse(readFileSync(marker, 'utf8'));
    return m.version === PHOENIX_VERSION && existsSync(paths.phoenix);
  } catch {
    return false;
  }
}

function ensureVenvModule() {
  if (spawnSync('python3', ['-c', 'import venv, ensurepip'], { stdio: 'ignore' }).status === 0) return;
  if (process.getuid?.() === 0 && spawnSync('sh', ['-c', 'command -v apt-get'], { stdio: 'ignore' }).status === 0) {
    log('installing python3-venv (Debian)…');
    const env = { ...process.env, DEBIAN_FRONTEND: 'noninteractive' };
    execFileSync('apt-get', ['update', '-qq'], { stdio: 'inherit', env });
    execFileSync('apt-get', ['install', '-y', '-qq', '--no-install-recommends', 'python3-venv'], { stdio: 'inherit', env });
    return;
  }
  throw new Error('python3 with the venv module is needed for Phoenix. Install it with: sudo apt-get install -y python3-venv');
}

if (process.argv.includes('--print')) {
  console.log(JSON.stringify({ ...paths, installed: installed() }));
} else if (!installed()) {
  if (spawnSync('sh', ['-c', 'command -v python3'], { stdio: 'ignore' }).status !== 0) {
    throw new Error('python3 is needed for Phoenix. Install it with: sudo apt-get install -y python3 python3-venv');
  }
  ensureVenvModule();
  log(`installing arize-phoenix==${PHOENIX_VERSION} into ${venv} (about 850 MB, a minute)…`);
  rmSync(venv, { recursive: true, force: true });
  rmSync(marker, { force: true });
  mkdirSync(dir, { recursive: true });
  execFileSync('python3', ['-m', 'venv', venv], { stdio: 'inherit' });
  const env = { ...process.env, PIP_DISABLE_PIP_VERSION_CHECK: '1', PIP_NO_INPUT: '1' };
  execFileSync(paths.python, ['-m', 'pip', 'install', '--quiet', `arize-phoenix==${PHOENIX_VERSION}`], { stdio: 'inherit', env });
  execFileSync(paths.phoenix, ['--help'], { stdio: 'ignore', env: { ...env, PHOENIX_TELEMETRY_ENABLED: 'false' } });
  writeFileSync(marker, `${JSON.stringify({ version: PHOENIX_VERSION, at: new Date().toISOString() })}\n`);
  log(`arize-phoenix ${PHOENIX_VERSION} installed`);
}
