import assert from 'node:assert/strict';
import { mkdirSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { buildAgentCommand } from '../../../src/core/bridge/openclaw/command';
import { writeOpenClawSetup } from '../../../src/core/bridge/openclaw/config';
import { toolResultText } from '../../../src/core/bridge/openclaw/denials';
import { runAgentTurn } from '../../../src/core/bridge/openclaw/runner';
import { startSupervisorServer, type AfterToolCallReport, type SupervisorServer } from '../../../src/core/bridge/openclaw/supervisorServer';
import { startDemoModel, type DemoModel } from '../../../src/core/demo/server';
import type { AgentRuntime } from '../../../src/core/bridge/openclaw/runtime';
import { buildSupervisorPlugin, requireAgentRuntimeInstalled } from '../../support/agent-runtime';

/**
 * What a tool process started by the real OpenClaw inherits: the supervisor
 * plugin removes its secret from the env when it loads, and the command line
 * never passes the caller's env through.
 */
describe('OpenClaw tool processes do not inherit the supervisor secret (real CLI, env-probe)', function () {
  this.timeout(10 * 60_000);
  let runtime: AgentRuntime;
  let tmp: string;
  let demo: DemoModel;
  let sup: SupervisorServer;
  let envText = '';
  let logFile = '';
  const afterReports: AfterToolCallReport[] = [];
  const canary = 'nvapi-CANARY-user-key-0123456789';

  before(async function () {
    runtime = requireAgentRuntimeInstalled(this);
    tmp = mkdtempSync(join(tmpdir(), 'nc-oc-env-'));
    mkdirSync(join(tmp, 'ws'));
    demo = await startDemoModel({ scenario: 'env-probe' });
    sup = await startSupervisorServer({ handlers: { onBeforeToolCall: async () => ({ allow: true }), onAfterToolCall: (r) => void afterReports.push(r) } });
    const paths = writeOpenClawSetup({
      rootDir: join(tmp, 'agent'),
      workspaceDir: join(tmp, 'ws'),
      provider: { baseUrl: demo.baseUrl, apiKey: 'gw', model: demo.model },
      plugin: { entryFile: await buildSupervisorPlugin(join(tmp, 'pb')), socketPath: sup.socketPath },
    });
    process.env.NEMOCOG_TEST_USER_KEY = canary;
    try {
      const command = buildAgentCommand({ runtime: runtime, paths, sessionId: 'nc-env', task: 'list the environment', supervisor: { socketPath: sup.socketPath, secret: sup.secret } });
      await runAgentTurn({ command, timeoutMs: 5 * 60_000 });
    } finally {
      delete process.env.NEMOCOG_TEST_USER_KEY;
    }
    logFile = paths.logFile;
    envText = afterReports.map((a) => toolResultText(a.result)).join('\n');
  });

  after(async () => {
    await demo?.close();
    await sup?.close();
    if (tmp) rmSync(tmp, { recursive: true, force: true });
  });

  it('the probe ran under supervision and listed the environment', () => {
    assert.equal(afterReports.length, 1);
    assert.match(envText, /^HOME=/m);
    assert.match(envText, /^OPENCLAW_STATE_DIR=/m);
  });

  it('OpenClaw logs into the run\'s private folder (logging.file accepted by its strict config schema)', () => {
    assert.match(readFileSync(logFile, 'utf8'), /\S/);
  });

  it('neither the supervisor secret nor its socket variable nor a key from the caller env is visible to tools', () => {
    assert.equal(envText.includes(sup.secret), false);
    assert.doesNotMatch(envText, /NEMOCOG_SUPERVISOR_(SECRET|SOCKET)/);
    assert.equal(envText.includes(canary), false);
    for (const r of demo.requests) assert.equal(r.body.includes(sup.secret) || r.body.includes(canary), false);
  });
});
