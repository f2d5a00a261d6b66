import assert from 'node:assert/strict';
import { mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { buildAgentCommand } from '../../../src/core/bridge/openclaw/command';
import { writeOpenClawSetup } from '../../../src/core/bridge/openclaw/config';
import { turnFailureOf } from '../../../src/core/bridge/openclaw/envelope';
import { AgentTurnError, runAgentTurn, type AgentTurnResult } from '../../../src/core/bridge/openclaw/runner';
import type { AgentRuntime } from '../../../src/core/bridge/openclaw/runtime';
import { startSupervisorServer, type SupervisorServer } from '../../../src/core/bridge/openclaw/supervisorServer';
import { startDemoModel, type DemoModel } from '../../../src/core/demo/server';
import { buildSupervisorPlugin, requireAgentRuntimeInstalled } from '../../support/agent-runtime';

/** Faults with the real OpenClaw CLI: a hung model (cancel), a model that sends garbage tool calls. */
describe('OpenClaw faults against the real CLI', function () {
  this.timeout(10 * 60_000);
  let tmp: string;
  let runtime: AgentRuntime;
  let entryFile: string;
  const open: Array<DemoModel | SupervisorServer> = [];

  before(async function () {
    runtime = requireAgentRuntimeInstalled(this);
    tmp = mkdtempSync(join(tmpdir(), 'nc-oc-faults-'));
    entryFile = await buildSupervisorPlugin(join(tmp, 'pb'));
  });
  after(async () => {
    for (const o of open) await o.close();
    if (tmp) rmSync(tmp, { recursive: true, force: true });
  });

  async function setup(scenario: string, name: string) {
    const demo = await startDemoModel({ scenario });
    const sup = await startSupervisorServer({ handlers: { onBeforeToolCall: async () => ({ allow: true }) } });
    open.push(demo, sup);
    mkdirSync(join(tmp, name));
    const paths = writeOpenClawSetup({
      rootDir: join(tmp, name, 'agent'),
      workspaceDir: join(tmp, name),
      provider: { baseUrl: demo.baseUrl, apiKey: 'gw', model: demo.model },
      plugin: { entryFile, socketPath: sup.socketPath },
    });
    const command = buildAgentCommand({ runtime, paths, sessionId: name, task: 'do the task', supervisor: { socketPath: sup.socketPath, secret: sup.secret } });
    return { demo, command };
  }

  it('a hung model: cancelling stops the agent and its model request', async () => {
    const { demo, command } = await setup('timeout', 'hang');
    const ac = new AbortController();
    const watcher = setInterval(() => {
      // Cancel once the agent sits on the request the model never answers.
      if (demo.completions().length >= 2 && demo.completions()[1].pending) ac.abort();
    }, 200);
    const t0 = Date.now();
    let err: unknown;
    try {
      await runAgentTurn({ command, signal: ac.signal, timeoutMs: 5 * 60_000 });
    } catch (e) {
      err = e;
    } finally {
      clearInterval(watcher);
    }
    assert.ok(err instanceof AgentTurnError, String(err));
    assert.equal(err.kind, 'cancelled');
    assert.ok(Date.now() - t0 < 4 * 60_000);
    await new Promise((r) => setTimeout(r, 500));
    assert.equal(demo.completions()[1].pending, false, 'the model request stayed open after the agent was stopped');
  });

  it('a model that sends malformed tool calls: OpenClaw retries, fails the turn, and the envelope says why', async () => {
    const { demo, command } = await setup('malformed-tool-call', 'malformed');
    const r: AgentTurnResult = await runAgentTurn({ command, timeoutMs: 5 * 60_000 });
    assert.equal(r.exitCode, 1);
    assert.match(turnFailureOf(r.envelope) ?? '', /malformed tool call/);
    assert.equal(r.envelope.meta.stopReason, undefined);
    assert.ok(demo.completions().length >= 2, 'OpenClaw did not retry');
  });
});
