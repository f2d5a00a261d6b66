/**
 * The OpenClaw bridge as a package of its own: the build emits
 * dist/packages/openclaw-bridge; `npm pack` makes a tarball; installed into an
 * empty folder (nothing of NemoCognition around it), a script that only
 * `require`s the package runs one supervised turn of the REAL OpenClaw
 * against the demo model: the plugin asks before every tool call, the script
 * blocks the write outside the workspace, the envelope is parsed.
 */
import { strict as assert } from 'node:assert';
import { execFileSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { startDemoModel, type DemoModel } from '../../src/core/demo';
import { locateAgentRuntime } from '../../src/core/bridge/openclaw/runtime';
import { requireAgentRuntime } from '../support/realParts';

const REPO = join(__dirname, '../..');
const PKG = join(REPO, 'dist/packages/openclaw-bridge');

/** Uses nothing but the installed package's public API. */
const SCRIPT = `'use strict';
const fs = require('node:fs');
const path = require('node:path');
const bridge = require('@nemocognition/openclaw-bridge');

async function main() {
  const [runtimeDir, baseUrl, model, apiKey, outsidePath, work] = process.argv.slice(2);
  const workspace = path.join(work, 'workspace');
  fs.mkdirSync(workspace, { recursive: true });
  fs.writeFileSync(path.join(workspace, 'README.md'), '# Demo project\\n');
  const runtime = bridge.locateAgentRuntime({ runtimeDir });
  const before = [];
  const after = [];
  const supervisor = await bridge.startSupervisorServer({
    handlers: {
      async onBeforeToolCall(call) {
        before.push({ tool: call.toolName, session: call.sessionId });
        if (JSON.stringify(call.params).includes(outsidePath)) return { allow: false, reason: 'writes outside the workspace are not allowed' };
        return { allow: true };
      },
      onAfterToolCall(report) {
        after.push({ tool: report.toolName, denials: bridge.denialsInToolOutcome(report).map((d) => d.errno) });
      },
    },
  });
  try {
    const paths = bridge.writeOpenClawSetup({
      rootDir: path.join(work, 'agent'),
      workspaceDir: workspace,
      provider: { baseUrl, apiKey, model },
      plugin: { entryFile: bridge.supervisorPluginEntry(), socketPath: supervisor.socketPath, timeoutMs: 60000 },
    });
    const command = bridge.buildAgentCommand({
      runtime, paths, sessionId: 'pkg-turn-1',
      task: 'Add a greeting helper in src/greeting.ts, mention it in README.md, and record that it is installed.',
      supervisor: { socketPath: supervisor.socketPath, secret: supervisor.secret, timeoutMs: 60000 },
    });
    const turn = await bridge.runAgentTurn({ command, timeoutMs: 5 * 60000 });
    console.log(JSON.stringify({
      exitCode: turn.exitCode,
      summary: bridge.toolSummaryOf(turn.envelope),
      finalText: bridge.finalTextOf(turn.envelope),
      before, after,
      greeting: fs.existsSync(path.join(workspace, 'src', 'greeting.ts')),
      versions: [bridge.OPENCLAW_VERSION, bridge.AGENT_NODE_VERSION],
      plugin: path.relative(__dirname, bridge.supervisorPluginEntry()),
    }));
  } finally {
    await supervisor.close();
  }
}
main().catch((e) => { console.error(e && e.stack || e); process.exit(1); });
`;

describe('the OpenClaw bridge as its own package (packed, installed into an empty folder, one supervised turn)', function () {
  this.timeout(600_000);
  let scratch: string;
  let model: DemoModel;

  before(async function () {
    requireAgentRuntime(this);
    scratch = mkdtempSync(join(tmpdir(), 'nc-bridge-pkg-'));
  });
  after(async () => {
    await model?.close();
    if (scratch) rmSync(scratch, { recursive: true, force: true });
  });

  it('builds with package.json, type declarations and a README of its public API', () => {
    execFileSync(process.execPath, [join(REPO, 'esbuild.mjs'), '--bridge-only'], { cwd: REPO, stdio: 'pipe' });
    const pkg = JSON.parse(readFileSync(join(PKG, 'package.json'), 'utf8')) as Record<string, unknown>;
    assert.equal(pkg.name, '@nemocognition/openclaw-bridge');
    assert.equal(pkg.main, 'index.js');
    assert.equal(pkg.types, 'index.d.ts');
    assert.equal(pkg.dependencies, undefined, 'no dependencies');
    const dts = readFileSync(join(PKG, 'types/bridge/openclaw/index.d.ts'), 'utf8');
    for (const name of ['./runner', './supervisorServer', './config', './pluginEntry']) assert.ok(dts.includes(name), `types re-export ${name}`);
    const readme = readFileSync(join(PKG, 'README.md'), 'utf8');
    // Every function the README documents is exported by the bundle, and the main ones are documented.
    const api = require(join(PKG, 'index.js')) as Record<string, unknown>;
    for (const name of ['locateAgentRuntime', 'installAgentRuntime', 'writeOpenClawSetup', 'buildAgentCommand', 'runAgentTurn', 'parseEnvelope', 'startSupervisorServer', 'supervisorPluginEntry', 'denialsInToolOutcome', 'localSpawner']) {
      assert.ok(readme.includes(`\`${name}`), `README documents ${name}`);
      assert.ok(name in api, `the package exports ${name}`);
    }
    assert.ok(existsSync(join(PKG, 'plugin/index.mjs')));
  });

  it('packs, installs into an empty folder, and runs one supervised OpenClaw turn through its public API only', async () => {
    const packs = join(scratch, 'packs');
    mkdirSync(packs);
    execFileSync('npm', ['pack', '--silent', '--pack-destination', packs], { cwd: PKG, stdio: 'pipe' });
    const tarball = readdirSync(packs).find((f) => f.endsWith('.tgz'));
    assert.ok(tarball, 'npm pack made a tarball');

    const empty = join(scratch, 'empty');
    mkdirSync(empty);
    // No network needed: the package has no dependencies.
    execFileSync('npm', ['install', '--no-save', '--no-audit', '--no-fund', '--ignore-scripts', '--offline', join(packs, tarball)], { cwd: empty, stdio: 'pipe' });
    assert.ok(existsSync(join(empty, 'node_modules/@nemocognition/openclaw-bridge/index.d.ts')));
    writeFileSync(join(empty, 'turn.cjs'), SCRIPT);

    const outsidePath = join(scratch, 'outside', 'nemocog-demo.txt');
    mkdirSync(join(scratch, 'outside'));
    const apiKey = `pkg-${Math.random().toString(36).slice(2)}-secret`;
    model = await startDemoModel({ scenario: 'deny-and-recover', apiKey, scenarioOptions: { outsidePath } });
    const runtimeDir = locateAgentRuntime().dir;
    const out = await new Promise<string>((resolve, reject) => {
      const { execFile } = require('node:child_process') as typeof import('node:child_process');
      execFile(process.execPath, ['turn.cjs', runtimeDir, model.baseUrl, model.model, apiKey, outsidePath, join(scratch, 'work')], { cwd: empty, timeout: 400_000, env: { PATH: process.env.PATH, HOME: scratch } }, (err, stdout, stderr) =>
        err ? reject(new Error(`${err.message}\n${stderr}`)) : resolve(stdout),
      );
    });
    const r = JSON.parse(out.trim().split('\n').pop()!) as {
      exitCode: number;
      summary: { calls: number; failures: number };
      finalText: string;
      before: Array<{ tool: string; session: string }>;
      after: Array<{ tool: string; denials: string[] }>;
      greeting: boolean;
      versions: string[];
      plugin: string;
    };
    assert.equal(r.exitCode, 0);
    assert.equal(r.plugin, 'node_modules/@nemocognition/openclaw-bridge/plugin/index.mjs', 'the plugin came from the installed package');
    assert.deepEqual(r.before.map((b) => b.tool), ['write', 'exec', 'exec'], 'asked before every tool call');
    assert.ok(r.before.every((b) => b.session === 'pkg-turn-1'));
    assert.equal(r.after.length, 3, 'reported after every tool call');
    assert.deepEqual(r.after.flatMap((a) => a.denials), ['BLOCKED'], 'the write outside the workspace was blocked');
    assert.equal(r.summary.calls, 3);
    assert.equal(existsSync(outsidePath), false, 'the block kept the write from happening');
    assert.equal(r.greeting, true, 'the allowed work happened');
    assert.match(r.finalText, /could not finish/);
  });
});
