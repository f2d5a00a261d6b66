/**
 * `nemocog doctor`: on this machine the demo setup passes every check; then
 * each prerequisite is broken in turn and the matching row fails (or warns,
 * where a run still works) with its fix. The model checks run against the
 * demo model and against a model server that rejects each feature in turn.
 */
import { strict as assert } from 'node:assert';
import { execFile, execFileSync } from 'node:child_process';
import { chmodSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { OPENCLAW_VERSION, runtimeLayout } from '../../../src/core/bridge/openclaw/runtime';
import { startDemoModel, type DemoModel } from '../../../src/core/demo';
import { runDoctor, type CheckResult, type DoctorReport } from '../../../src/core/doctor';
import type { DoctorOptions } from '../../../src/core/doctor/doctor';
import { checkModel, PROBE_TOOL } from '../../../src/core/doctor/modelCheck';
import { setEnv } from '../../support/env';
import { requireAgentRuntime, requireLandlock, requireSshd } from '../../support/realParts';
import { freePort, startSshd, type TestSshd } from '../../support/sshd';

const CLI = join(__dirname, '../../../dist/cli.js');
const FAKE = join(__dirname, '../../fixtures/fake-nemoclaw');

const row = (r: DoctorReport | CheckResult[], id: string): CheckResult => {
  const found = (Array.isArray(r) ? r : r.checks).find((c) => c.id === id);
  assert.ok(found, `no row ${id}`);
  return found;
};

/** An OpenAI-compatible server that lacks one feature at a time. */
type Broken = 'none' | 'bad-key' | 'not-listed' | 'no-stream' | 'no-tools' | 'ignores-tools' | 'no-reasoning';
async function startPickyModel(broken: Broken): Promise<{ baseUrl: string; close(): Promise<void> }> {
  const server: Server = createServer((req, res) => {
    let body = '';
    req.on('data', (d) => (body += d));
    req.on('end', () => {
      const json = (status: number, payload: unknown) => res.writeHead(status, { 'content-type': 'application/json' }).end(JSON.stringify(payload));
      if (broken === 'bad-key') return json(401, { error: { message: 'Invalid API key' } });
      if (req.method === 'GET' && req.url === '/v1/models') return json(200, { object: 'list', data: [{ id: broken === 'not-listed' ? 'other/model' : 'picky/model' }] });
      const b = JSON.parse(body || '{}') as Record<string, unknown>;
      if (b.stream && broken === 'no-stream') return json(400, { error: { message: 'streaming is not supported' } });
      if (b.tools && broken === 'no-tools') return json(400, { error: { message: '"tools" is not supported by this model' } });
      if (b.chat_template_kwargs && broken === 'no-reasoning') return json(400, { error: { message: 'Unrecognized request argument: chat_template_kwargs' } });
      const call = b.tools && broken !== 'ignores-tools';
      if (!b.stream) {
        const message = call ? { role: 'assistant', content: null, tool_calls: [{ id: 'c1', type: 'function', function: { name: PROBE_TOOL, arguments: '{}' } }] } : { role: 'assistant', content: 'OK' };
        return json(200, { choices: [{ index: 0, message, finish_reason: call ? 'tool_calls' : 'stop' }] });
      }
      const delta = call ? { tool_calls: [{ index: 0, id: 'c1', type: 'function', function: { name: PROBE_TOOL, arguments: '{}' } }] } : { content: 'OK' };
      res.writeHead(200, { 'content-type': 'text/event-stream' });
      res.end(`data: ${JSON.stringify({ choices: [{ index: 0, delta }] })}\n\ndata: [DONE]\n\n`);
    });
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', () => r()));
  const port = (server.address() as { port: number }).port;
  return { baseUrl: `http://127.0.0.1:${port}/v1`, close: () => new Promise((r) => server.close(() => r())) };
}

describe('nemocog doctor', function () {
  this.timeout(300_000);
  let scratch: string;
  let demo: DemoModel;
  let good: DoctorOptions;

  before(async function () {
    requireAgentRuntime(this);
    await requireLandlock(this);
    scratch = mkdtempSync(join(tmpdir(), 'nc-doctor-test-'));
    demo = await startDemoModel({ scenario: 'deny-and-recover' });
    good = { driver: 'local', model: { baseUrl: demo.baseUrl, model: demo.model }, keyRequired: false };
  });
  after(async () => {
    await demo?.close();
    if (scratch) rmSync(scratch, { recursive: true, force: true });
  });

  it('passes every check for the demo setup on this machine (nemocog doctor --model-url demo, exit 0)', async () => {
    const out = await new Promise<{ code: number; stdout: string }>((resolve) =>
      execFile(process.execPath, [CLI, 'doctor', '--model-url', 'demo'], { env: { ...process.env, NEMOCOG_API_KEY: '' } }, (err, stdout) =>
        resolve({ code: err ? Number((err as { code?: number }).code ?? 1) : 0, stdout }),
      ),
    );
    assert.equal(out.code, 0, out.stdout);
    assert.match(out.stdout, /All checks passed\./);
    for (const title of ['Agent runtime', 'Agent Node', 'Landlock', 'bubblewrap', 'User namespaces', 'Network namespace', 'Model endpoint', 'Model: listed', 'Model: streaming', 'Model: tool calls', 'Model: reasoning']) {
      assert.match(out.stdout, new RegExp(`^${title.replace(/[.*+?^${}()|[\]\\:]/g, '\\$&')}\\s+ok\\s`, 'm'), `${title} passes`);
    }
    assert.doesNotMatch(out.stdout, /FAIL|WARN/);
  });

  it('model: passes against the demo model, and fails the matching check when the server lacks each feature', async () => {
    const ok = await checkModel({ baseUrl: demo.baseUrl, model: demo.model, reasoning: 'adaptive' });
    assert.deepEqual(ok.map((c) => c.status), ['pass', 'pass', 'pass', 'pass', 'pass']);

    const cases: Array<[Broken, string, RegExp]> = [
      ['bad-key', 'model.reachable', /Set API Key|NEMOCOG_API_KEY/],
      ['not-listed', 'model.listed', /nemocognition\.model\.id/],
      ['no-stream', 'model.streaming', /stream: true/],
      ['no-tools', 'model.tools', /function calling/],
      ['ignores-tools', 'model.tools', /function calling|tool calls/],
      ['no-reasoning', 'model.reasoning', /nemocognition\.model\.reasoning/],
    ];
    for (const [broken, id, fix] of cases) {
      const m = await startPickyModel(broken);
      try {
        const r = await checkModel({ baseUrl: m.baseUrl, model: 'picky/model', apiKey: 'sk-doctor-test-key-123456', reasoning: 'adaptive' });
        const failed = r.filter((c) => c.status === 'fail').map((c) => c.id);
        assert.deepEqual(failed, [id], `${broken}: only ${id} fails (got ${JSON.stringify(r)})`);
        assert.match(row(r, id).fix ?? '', fix, `${broken}: the fix says what to do`);
        assert.ok(!JSON.stringify(r).includes('sk-doctor-test-key-123456'), 'the key never appears in a result');
      } finally {
        await m.close();
      }
    }
    const healthy = await startPickyModel('none');
    try {
      assert.ok((await checkModel({ baseUrl: healthy.baseUrl, model: 'picky/model' })).every((c) => c.status === 'pass'));
    } finally {
      await healthy.close();
    }
    // Unreachable: nothing listens there.
    const port = await freePort();
    const down = await checkModel({ baseUrl: `http://127.0.0.1:${port}/v1`, model: 'x' });
    assert.equal(row(down, 'model.reachable').status, 'fail');
    assert.match(row(down, 'model.reachable').detail, /ECONNREFUSED/);
    assert.match(row(down, 'model.reachable').fix!, /nemocognition\.model\.endpoint/);
  });

  it('agent runtime: missing, then on a Node too old for OpenClaw', async () => {
    const empty = join(scratch, 'no-runtime');
    mkdirSync(empty);
    const isolated = { runtimeDir: empty, repoRoot: empty, env: {} };
    const missing = await runDoctor({ ...good, runtime: isolated, only: ['agent'] });
    assert.equal(missing.ok, false);
    assert.equal(row(missing, 'agent.runtime').status, 'fail');
    assert.match(row(missing, 'agent.runtime').fix!, /nemocog install-runtime/);

    // A runtime folder whose Node is 18.
    const old = join(scratch, 'old-node');
    const lay = runtimeLayout(old);
    mkdirSync(join(lay.nodeBin, '..'), { recursive: true });
    mkdirSync(join(lay.openclawEntry, '..'), { recursive: true });
    writeFileSync(lay.nodeBin, '#!/bin/sh\necho v18.20.0\n');
    chmodSync(lay.nodeBin, 0o755);
    writeFileSync(lay.openclawEntry, '');
    writeFileSync(lay.openclawPackageJson, JSON.stringify({ version: OPENCLAW_VERSION }));
    const tooOld = await runDoctor({ ...good, runtime: { ...isolated, runtimeDir: old }, only: ['agent'] });
    assert.equal(row(tooOld, 'agent.node').status, 'fail');
    assert.match(row(tooOld, 'agent.node').detail, /v18\.20\.0.*Node 22/);
    assert.equal(tooOld.ok, false);
  });

  it('sandbox layers: no Landlock launcher, no bubblewrap, no namespaces', async () => {
    const noLauncher = await runDoctor({ ...good, sandbox: { launcherPath: join(scratch, 'missing-launcher') }, only: ['sandbox'] });
    assert.equal(row(noLauncher, 'sandbox.landlock').status, 'fail');
    assert.ok(row(noLauncher, 'sandbox.landlock').fix);
    assert.equal(noLauncher.ok, false);

    const noBwrap = await runDoctor({ ...good, sandbox: { bwrapPath: join(scratch, 'missing-bwrap') }, only: ['sandbox'] });
    assert.equal(row(noBwrap, 'sandbox.landlock').status, 'pass');
    assert.equal(row(noBwrap, 'sandbox.bwrap').status, 'fail');
    assert.match(row(noBwrap, 'sandbox.bwrap').fix!, /apt-get install bubblewrap/);

    const noNs = await runDoctor({ ...good, sandbox: { unsharePath: '/bin/false' }, only: ['sandbox'] });
    for (const id of ['sandbox.userns', 'sandbox.netns']) {
      assert.equal(row(noNs, id).status, 'warn', `${id} warns (a run still works today)`);
      assert.match(row(noNs, id).fix!, /namespaces/);
    }
    const none = await runDoctor({ ...good, driver: 'none', only: ['sandbox'] });
    assert.equal(row(none, 'sandbox.driver').status, 'warn');
    assert.match(row(none, 'sandbox.driver').detail, /UNSANDBOXED/);
  });

  it('API key: required and missing fails; present passes and is never shown', async () => {
    const missing = await runDoctor({ ...good, keyRequired: true, only: ['key'] });
    assert.equal(row(missing, 'key.present').status, 'fail');
    assert.match(row(missing, 'key.present').fix!, /Set API Key/);
    const key = 'nvapi-doctor-secret-0123456789';
    const present = await runDoctor({ ...good, model: { ...good.model, apiKey: key }, keyRequired: true, keyFoundIn: 'SecretStorage', only: ['key', 'model'] });
    assert.equal(row(present, 'key.present').status, 'pass');
    assert.ok(!JSON.stringify(present).includes(key));
  });

  it('Phoenix: unreachable warns with the fix, a live endpoint passes', async () => {
    const port = await freePort();
    const down = await runDoctor({ ...good, phoenixEndpoint: `http://127.0.0.1:${port}`, only: ['phoenix'] });
    assert.equal(row(down, 'phoenix.reachable').status, 'warn');
    assert.match(row(down, 'phoenix.reachable').fix!, /phoenix/i);
    assert.equal(down.ok, true, 'a missing Phoenix does not stop a run');
    // Answers what a Phoenix answers to checkPhoenix: its version, the projects list, an (empty) OTLP export.
    const phoenix = createServer((req, res) => {
      if (req.url === '/arize_phoenix_version') return res.writeHead(200).end('20.26.1');
      if (req.url?.startsWith('/v1/projects')) return res.writeHead(200, { 'content-type': 'application/json' }).end('{"data":[]}');
      if (req.url === '/v1/traces' && req.method === 'POST' && req.headers['content-type'] === 'application/x-protobuf') return res.writeHead(200).end();
      res.writeHead(404).end();
    });
    await new Promise<void>((r) => phoenix.listen(0, '127.0.0.1', () => r()));
    try {
      const up = await runDoctor({ ...good, phoenixEndpoint: `http://127.0.0.1:${(phoenix.address() as { port: number }).port}/`, only: ['phoenix'] });
      assert.equal(row(up, 'phoenix.reachable').status, 'pass');
      assert.match(row(up, 'phoenix.reachable').detail, /20\.26\.1/);
    } finally {
      await new Promise<void>((r) => phoenix.close(() => r()));
    }
  });

  describe('remote host and NemoClaw sandbox (real sshd)', () => {
    let sshd: TestSshd;
    before(async function () {
      requireSshd(this);
      sshd = await startSshd();
    });
    after(async () => sshd?.stop());

    it('remote host: SSH refused, CLI missing, then both fine', async () => {
      const refused = join(scratch, 'refused_config');
      writeFileSync(refused, `Host nc-refused\n  HostName 127.0.0.1\n  Port ${await freePort()}\n  User root\n  IdentityFile ${sshd.identityFile}\n  StrictHostKeyChecking no\n  UserKnownHostsFile /dev/null\n`);
      const down = await runDoctor({ ...good, remote: { host: 'nc-refused', configFile: refused, cli: ['nemocog'] }, only: ['remote'] });
      assert.equal(row(down, 'remote.ssh').status, 'fail');
      assert.match(row(down, 'remote.ssh').fix!, /sshd|port|running/i);
      const noCli = await runDoctor({ ...good, remote: { host: sshd.alias, configFile: sshd.configFile, cli: ['/nonexistent/nemocog'] }, only: ['remote'] });
      assert.equal(row(noCli, 'remote.ssh').status, 'pass');
      assert.equal(row(noCli, 'remote.cli').status, 'fail');
      assert.match(row(noCli, 'remote.cli').fix!, /remoteCli/);
      const fine = await runDoctor({ ...good, remote: { host: sshd.alias, configFile: sshd.configFile, cli: [process.execPath, CLI] }, only: ['remote'] });
      assert.deepEqual(fine.checks.map((c) => c.status), ['pass', 'pass']);
    });

    it('NemoClaw: CLI missing, sandbox unknown, CLI missing inside, then all fine (fake CLIs from the docs)', async () => {
      const home = join(scratch, 'fake-home');
      const restoreEnv = setEnv({
        FAKE_NEMOCLAW_HOME: home,
        FAKE_OPENSHELL_SSH_PORT: String(sshd.port),
        FAKE_OPENSHELL_SSH_USER: sshd.user,
        FAKE_OPENSHELL_AUTHORIZED_KEYS: sshd.authorizedKeysFile,
      });
      try {
        execFileSync(join(FAKE, 'bin/openshell'), ['sandbox', 'create', '--name', 'nc-doc']);
        const paths = { nemoclawPath: join(FAKE, 'bin/nemoclaw'), openshellPath: join(FAKE, 'bin/openshell') };
        const base = { ...good, driver: 'nemoclaw' as const, only: ['nemoclaw' as const] };
        const noCli = await runDoctor({ ...base, nemoclaw: { sandbox: 'nc-doc', nemoclawPath: join(scratch, 'no-nemoclaw'), sandboxCli: ['nemocog'] } });
        assert.equal(row(noCli, 'nemoclaw.cli').status, 'fail');
        assert.match(row(noCli, 'nemoclaw.cli').fix!, /nemoclaw/i);
        const unknown = await runDoctor({ ...base, nemoclaw: { sandbox: 'nc-nope', ...paths, sandboxCli: ['nemocog'] } });
        assert.equal(row(unknown, 'nemoclaw.ssh').status, 'fail');
        assert.match(row(unknown, 'nemoclaw.ssh').fix!, /sandbox list|snapshot list/);
        const noInside = await runDoctor({ ...base, nemoclaw: { sandbox: 'nc-doc', ...paths, sandboxCli: ['/nonexistent/nemocog'] } });
        assert.equal(row(noInside, 'nemoclaw.cli-inside').status, 'fail');
        assert.match(row(noInside, 'nemoclaw.cli-inside').fix!, /sandboxCli/);
        const fine = await runDoctor({ ...base, nemoclaw: { sandbox: 'nc-doc', ...paths, sandboxCli: [process.execPath, CLI] } });
        assert.deepEqual(fine.checks.map((c) => [c.id, c.status]), [['nemoclaw.cli', 'pass'], ['nemoclaw.ssh', 'pass'], ['nemoclaw.cli-inside', 'pass']]);
      } finally {
        restoreEnv();
        const kept = require('node:fs').readFileSync(sshd.authorizedKeysFile, 'utf8').split('\n').filter((l: string) => l && !l.includes('nc-fake-sandbox:'));
        writeFileSync(sshd.authorizedKeysFile, kept.map((l: string) => `${l}\n`).join(''));
      }
    });
  });
});
