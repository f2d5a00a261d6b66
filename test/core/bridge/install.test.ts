/**
 * The agent-runtime installer without the network: a FAKE `npm` (written
 * below, labelled as such) stands in for the registry. It records every call,
 * lays out the same files the real `node` and `openclaw` packages do (a fake
 * Node 24 that answers `--version` and otherwise runs this Node, a fake
 * openclaw.mjs that prints its version), and can fail or hang on request.
 * The real install is test/core/bridge/install.real.test.ts.
 */
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { chmodSync, existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, utimesSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import {
  AGENT_RUNTIME_ALLOW_SCRIPTS,
  AgentRuntimeInstallError,
  installAgentRuntime,
  isAgentRuntimeInstalled,
  npmInstallSteps,
  RUNTIME_MARKER,
} from '../../../src/core/bridge/openclaw/install';
import { AGENT_NODE_VERSION, AgentRuntimeMissingError, locateAgentRuntime, OPENCLAW_VERSION, runtimeCandidates } from '../../../src/core/bridge/openclaw/runtime';

const REPO_ROOT = resolve(__dirname, '..', '..', '..');

/** FAKE npm: see the file comment. Behaviour switches: FAKE_NPM_FAIL=<package>, FAKE_NPM_HANG=1, FAKE_OPENCLAW_PRINTS=<text>. */
const FAKE_NPM = `#!${process.execPath}
// FAKE npm for NemoCognition's installer tests; not the real npm.
const fs = require('node:fs');
const path = require('node:path');
const args = process.argv.slice(2);
if (args[0] === '--version') { console.log('11.0.0-fake'); process.exit(0); }
const prefix = args[args.indexOf('--prefix') + 1];
fs.appendFileSync(process.env.FAKE_NPM_LOG, JSON.stringify({ args, pathHead: (process.env.PATH || '').split(':')[0], cwd: process.cwd(), pid: process.pid, manifest: JSON.parse(fs.readFileSync(path.join(prefix, 'package.json'), 'utf8')) }) + '\\n');
if (process.env.FAKE_NPM_HANG) { setInterval(() => {}, 1000); return; }
const pkgs = args.filter((a) => /^[@\\w][^=]*@\\d/.test(a));
if (process.env.FAKE_NPM_FAIL && pkgs.some((p) => p.startsWith(process.env.FAKE_NPM_FAIL + '@'))) {
  console.error('npm error code E404');
  console.error('npm error 404 Not Found (fake registry)');
  process.exit(1);
}
for (const spec of pkgs) {
  const at = spec.lastIndexOf('@');
  const name = spec.slice(0, at), version = spec.slice(at + 1);
  const dir = path.join(prefix, 'node_modules', name);
  fs.mkdirSync(dir, { recursive: true });
  fs.writeFileSync(path.join(dir, 'package.json'), JSON.stringify({ name, version }));
  if (name === 'node') {
    fs.mkdirSync(path.join(dir, 'bin'), { recursive: true });
    fs.writeFileSync(path.join(dir, 'bin', 'node'), '#!/bin/sh\\nif [ "$1" = "--version" ]; then echo v' + version + '; exit 0; fi\\nexec ' + JSON.stringify(process.execPath) + ' "$@"\\n', { mode: 0o755 });
  }
  if (name === 'openclaw') {
    const out = process.env.FAKE_OPENCLAW_PRINTS || 'OpenClaw ' + version + ' (fake)';
    fs.writeFileSync(path.join(dir, 'openclaw.mjs'), 'console.log(' + JSON.stringify(out) + ');\\n');
  }
}
`;

describe('agent runtime installer (fake npm)', function () {
  this.timeout(30_000);
  let tmp: string;
  let bin: string;
  let log: string;
  let env: NodeJS.ProcessEnv;
  const calls = () => (existsSync(log) ? readFileSync(log, 'utf8').trim().split('\n').filter(Boolean).map((l) => JSON.parse(l)) : []);
  const siblings = (dir: string) => readdirSync(join(dir, '..')).filter((n) => n.startsWith(`${join(dir).split('/').pop()}.`));

  beforeEach(() => {
    tmp = mkdtempSync(join(tmpdir(), 'nc-install-'));
    bin = join(tmp, 'fake-bin');
    mkdirSync(bin);
    writeFileSync(join(bin, 'npm'), FAKE_NPM);
    chmodSync(join(bin, 'npm'), 0o755);
    log = join(tmp, 'npm.log');
    env = { ...process.env, PATH: `${bin}:${process.env.PATH}`, FAKE_NPM_LOG: log };
  });
  afterEach(() => rmSync(tmp, { recursive: true, force: true }));

  it('installs into a temporary sibling, in two npm steps, then renames it into place', async () => {
    const dir = join(tmp, 'rt');
    const lines: string[] = [];
    const rt = await installAgentRuntime(dir, { env, onProgress: (l) => lines.push(l) });
    assert.equal(rt.dir, dir);
    assert.equal(rt.openclawVersion, OPENCLAW_VERSION);
    assert.ok(existsSync(rt.nodeBin) && existsSync(rt.openclawEntry));

    const c = calls();
    assert.equal(c.length, 2);
    const prefix = c[0].args[c[0].args.indexOf('--prefix') + 1] as string;
    assert.match(prefix, new RegExp(`^${dir}\\.tmp-[0-9a-f]{8}$`));
    assert.deepEqual(c.map((x) => x.args), npmInstallSteps(prefix));
    assert.equal(c[0].cwd, prefix);
    // Step 2 sees the installed Node 24 first on PATH (OpenClaw's preinstall checks it).
    assert.equal(c[1].pathHead, join(prefix, 'node_modules', 'node', 'bin'));
    // Install-script approvals are in the runtime folder's own package.json, from the first call on.
    assert.deepEqual(Object.keys(c[0].manifest.allowScripts).sort(), [...AGENT_RUNTIME_ALLOW_SCRIPTS].sort());
    assert.deepEqual(JSON.parse(readFileSync(join(dir, 'package.json'), 'utf8')).allowScripts, c[0].manifest.allowScripts);

    const marker = JSON.parse(readFileSync(join(dir, RUNTIME_MARKER), 'utf8'));
    assert.equal(marker.nodeBin, rt.nodeBin); // final paths, not the temporary folder's
    assert.equal(marker.openclaw, OPENCLAW_VERSION);
    assert.deepEqual(siblings(dir), [], 'no .tmp-/.old- folder left');
    assert.ok(lines.some((l) => l.startsWith('Step 1/3')) && lines.some((l) => l.startsWith('Step 3/3')));
    assert.match(lines.at(-1)!, new RegExp(`Ready: OpenClaw ${OPENCLAW_VERSION.replace(/\./g, '\\.')} \\(fake\\) on Node v${AGENT_NODE_VERSION}`));
    assert.equal(locateAgentRuntime({ runtimeDir: dir, repoRoot: tmp, env: {} }).dir, dir);
  });

  it('is a quick no-op when the pinned versions are already there', async () => {
    const dir = join(tmp, 'rt');
    await installAgentRuntime(dir, { env });
    const before = calls().length;
    const t0 = Date.now();
    const lines: string[] = [];
    const rt = await installAgentRuntime(dir, { env, onProgress: (l) => lines.push(l) });
    assert.equal(calls().length, before, 'npm not called again');
    assert.ok(Date.now() - t0 < 2000);
    assert.equal(rt.dir, dir);
    assert.match(lines.join('\n'), /Already installed/);
  });

  it('replaces a runtime folder whose versions do not match', async () => {
    const dir = join(tmp, 'rt');
    await installAgentRuntime(dir, { env });
    writeFileSync(join(dir, 'node_modules', 'openclaw', 'package.json'), JSON.stringify({ name: 'openclaw', version: '2026.1.1' }));
    writeFileSync(join(dir, 'old-file'), 'from the previous install');
    assert.equal(await isAgentRuntimeInstalled(dir), undefined);
    const rt = await installAgentRuntime(dir, { env });
    assert.equal(rt.openclawVersion, OPENCLAW_VERSION);
    assert.ok(!existsSync(join(dir, 'old-file')), 'the old folder was swapped out');
    assert.equal(calls().length, 4);
    assert.deepEqual(siblings(dir), []);
  });

  it('a wrong Node version also counts as not installed', async () => {
    const dir = join(tmp, 'rt');
    await installAgentRuntime(dir, { env });
    writeFileSync(join(dir, 'node_modules', 'node', 'bin', 'node'), '#!/bin/sh\necho v22.0.0\n', { mode: 0o755 });
    assert.equal(await isAgentRuntimeInstalled(dir), undefined);
  });

  it('removes the half-finished install and keeps an existing runtime when npm fails', async () => {
    const fresh = join(tmp, 'fresh');
    await assert.rejects(installAgentRuntime(fresh, { env: { ...env, FAKE_NPM_FAIL: 'openclaw' } }), (e: unknown) => {
      assert.ok(e instanceof AgentRuntimeInstallError);
      assert.equal(e.kind, 'npm-failed');
      assert.match(e.message, /404 Not Found \(fake registry\)/);
      assert.match(e.fix, /network access to the npm registry/);
      return true;
    });
    assert.ok(!existsSync(fresh));
    assert.deepEqual(siblings(fresh), []);

    // An older runtime already there stays usable when the upgrade fails.
    const dir = join(tmp, 'rt');
    await installAgentRuntime(dir, { env });
    writeFileSync(join(dir, 'node_modules', 'openclaw', 'package.json'), JSON.stringify({ name: 'openclaw', version: '2026.1.1' }));
    await assert.rejects(installAgentRuntime(dir, { env: { ...env, FAKE_NPM_FAIL: 'node' } }), /npm install node@.* failed/);
    assert.equal(JSON.parse(readFileSync(join(dir, 'node_modules', 'openclaw', 'package.json'), 'utf8')).version, '2026.1.1');
    assert.deepEqual(siblings(dir), []);
  });

  it('fails verification when the installed OpenClaw does not report the pinned version', async () => {
    const dir = join(tmp, 'rt');
    await assert.rejects(installAgentRuntime(dir, { env: { ...env, FAKE_OPENCLAW_PRINTS: 'OpenClaw 1.0.0' } }), (e: unknown) => e instanceof AgentRuntimeInstallError && e.kind === 'verify-failed' && /did not report 2026\.9\.6/.test(e.message));
    assert.ok(!existsSync(dir));
    assert.deepEqual(siblings(dir), []);
  });

  it('says to install Node.js 20+ and npm when npm cannot be started', async () => {
    const dir = join(tmp, 'rt');
    await assert.rejects(installAgentRuntime(dir, { env, npm: join(tmp, 'no-such-npm') }), (e: unknown) => e instanceof AgentRuntimeInstallError && e.kind === 'no-npm' && /Install Node\.js 20\+ and npm/.test(e.message));
    // No node on PATH at all.
    await assert.rejects(installAgentRuntime(dir, { env: { PATH: bin } }), /Node\.js was not found on PATH.*Install Node\.js 20\+ and npm/);
    assert.ok(!existsSync(dir));
  });

  it('refuses to install over a folder with other files', async () => {
    const dir = join(tmp, 'mine');
    mkdirSync(dir);
    writeFileSync(join(dir, 'notes.txt'), 'keep me');
    await assert.rejects(installAgentRuntime(dir, { env }), (e: unknown) => e instanceof AgentRuntimeInstallError && e.kind === 'unsafe-folder');
    assert.equal(readFileSync(join(dir, 'notes.txt'), 'utf8'), 'keep me');
    assert.equal(calls().length, 0);
    // An empty folder is fine.
    const empty = join(tmp, 'empty');
    mkdirSync(empty);
    assert.equal((await installAgentRuntime(empty, { env })).dir, empty);
  });

  it('cancels: stops npm and removes the temporary folder', async () => {
    const dir = join(tmp, 'rt');
    const abort = new AbortController();
    const p = installAgentRuntime(dir, { env: { ...env, FAKE_NPM_HANG: '1' }, signal: abort.signal });
    const t0 = Date.now();
    while (calls().length === 0 && Date.now() - t0 < 10_000) await new Promise((r) => setTimeout(r, 50));
    const pid = calls()[0].pid as number;
    abort.abort();
    await assert.rejects(p, (e: unknown) => e instanceof AgentRuntimeInstallError && e.kind === 'cancelled');
    assert.ok(!existsSync(dir));
    assert.deepEqual(siblings(dir), []);
    assert.throws(() => process.kill(pid, 0), /ESRCH/, 'the fake npm was stopped');
  });

  it('removes stale leftovers of a dead install, keeps recent ones (another window may be installing)', async () => {
    const dir = join(tmp, 'rt');
    const stale = `${dir}.tmp-deadbeef`;
    const recent = `${dir}.tmp-cafebabe`;
    mkdirSync(stale);
    mkdirSync(recent);
    const old = new Date(Date.now() - 2 * 3600_000);
    utimesSync(stale, old, old);
    await installAgentRuntime(dir, { env });
    assert.ok(!existsSync(stale));
    assert.ok(existsSync(recent));
  });

  it('the .ci script runs the same installer (through tsx), with --check', () => {
    const dir = join(tmp, 'ci-rt');
    const script = join(REPO_ROOT, '.ci', 'install-agent-runtime.mjs');
    const runScript = (...args: string[]) => spawnSync(process.execPath, [script, ...args], { env: { ...env, NEMOCOG_RUNTIME_DIR: dir }, encoding: 'utf8', timeout: 60_000 });
    const check1 = runScript('--check');
    assert.equal(check1.status, 1, check1.stderr);
    assert.match(check1.stdout, /not installed in/);
    const inst = runScript();
    assert.equal(inst.status, 0, inst.stderr);
    assert.match(inst.stdout, /\[agent-runtime\] Step 2\/3/);
    const c = calls();
    assert.equal(c.length, 2);
    const prefix = c[0].args[c[0].args.indexOf('--prefix') + 1] as string;
    assert.deepEqual(c.map((x) => x.args), npmInstallSteps(prefix));
    assert.equal(runScript('--check').status, 0);
    assert.equal(locateAgentRuntime({ repoRoot: tmp, env: { NEMOCOG_RUNTIME_DIR: dir } }).dir, dir);
  });
});

describe('agent runtime search order', () => {
  let tmp: string;
  beforeEach(() => (tmp = mkdtempSync(join(tmpdir(), 'nc-locate-'))));
  afterEach(() => rmSync(tmp, { recursive: true, force: true }));

  const fakeRuntime = (dir: string) => {
    mkdirSync(join(dir, 'node_modules', 'node', 'bin'), { recursive: true });
    mkdirSync(join(dir, 'node_modules', 'openclaw'), { recursive: true });
    writeFileSync(join(dir, 'node_modules', 'node', 'bin', 'node'), '');
    writeFileSync(join(dir, 'node_modules', 'openclaw', 'openclaw.mjs'), '');
    writeFileSync(join(dir, 'node_modules', 'openclaw', 'package.json'), JSON.stringify({ version: OPENCLAW_VERSION }));
  };

  it('explicit folder, then NEMOCOG_RUNTIME_DIR (what the extension sets), then <repo>/.cache/agent-runtime', () => {
    const repo = join(tmp, 'repo');
    const cache = join(repo, '.cache', 'agent-runtime');
    const configured = join(tmp, 'global-storage', 'agent-runtime');
    const explicit = join(tmp, 'explicit');
    assert.deepEqual(runtimeCandidates({ runtimeDir: explicit, repoRoot: repo, env: { NEMOCOG_RUNTIME_DIR: configured } }), [explicit, configured, cache]);

    fakeRuntime(cache);
    assert.equal(locateAgentRuntime({ repoRoot: repo, env: { NEMOCOG_RUNTIME_DIR: configured } }).dir, cache, 'falls back to the checkout cache');
    fakeRuntime(configured);
    assert.equal(locateAgentRuntime({ repoRoot: repo, env: { NEMOCOG_RUNTIME_DIR: configured } }).dir, configured, 'the configured folder wins');
    fakeRuntime(explicit);
    assert.equal(locateAgentRuntime({ runtimeDir: explicit, repoRoot: repo, env: { NEMOCOG_RUNTIME_DIR: configured } }).dir, explicit);
  });

  it('the missing-runtime message names the VS Code command, the script and the variable', () => {
    assert.throws(
      () => locateAgentRuntime({ runtimeDir: join(tmp, 'none'), repoRoot: tmp, env: {} }),
      (e: unknown) => e instanceof AgentRuntimeMissingError && /NemoCognition: Install Agent Runtime/.test(e.fix) && /node \.ci\/install-agent-runtime\.mjs/.test(e.fix) && /NEMOCOG_RUNTIME_DIR/.test(e.fix),
    );
  });
});
