import assert from 'node:assert/strict';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { buildAgentCommand } from '../../../src/core/bridge/openclaw/command';
import { writeOpenClawSetup } from '../../../src/core/bridge/openclaw/config';
import { denialsInToolOutcome } from '../../../src/core/bridge/openclaw/denials';
import { toolSummaryOf } from '../../../src/core/bridge/openclaw/envelope';
import { runAgentTurn, type AgentTurnResult } from '../../../src/core/bridge/openclaw/runner';
import { exportTrajectory, type TrajectoryExport } from '../../../src/core/bridge/openclaw/trajectory';
import { startSupervisorServer, type AfterToolCallReport, type BeforeToolCallRequest, type PluginLoadedInfo, type RejectedMessage, type SupervisorServer } from '../../../src/core/bridge/openclaw/supervisorServer';
import { startDemoModel, type DemoModel } from '../../../src/core/demo/server';
import { Conversation } from '../../../src/core/demo/conversation';
import type { AgentRuntime } from '../../../src/core/bridge/openclaw/runtime';
import { buildSupervisorPlugin, requireAgentRuntimeInstalled } from '../../support/agent-runtime';

/**
 * The real OpenClaw CLI (pinned runtime, not sandboxed: the sandbox is the
 * drivers' job) against the demo model's deny-and-recover scenario, with
 * the supervisor plugin loaded: the first turn (denied by the supervisor,
 * gives up), then a turn started by the correction prompt. Two runs, shared
 * by every assertion below: a turn costs 15 to 40 s of start-up.
 */
describe('OpenClaw bridge against the real CLI (deny-and-recover: first turn, then the correction turn)', function () {
  this.timeout(15 * 60_000);

  let runtime: AgentRuntime;
  let tmp: string;
  let ws: string;
  let outsidePath: string;
  let demo: DemoModel;
  let sup: SupervisorServer;
  let result: AgentTurnResult;
  let recovery: AgentTurnResult;
  let requestsBeforeRecovery = 0;
  let trajectory: TrajectoryExport;
  let agentRoot = '';
  const gatewaySecret = `gw-${Math.random().toString(36).slice(2)}-canary`;
  const beforeCalls: BeforeToolCallRequest[] = [];
  const afterCalls: AfterToolCallReport[] = [];
  const loaded: PluginLoadedInfo[] = [];
  const rejected: RejectedMessage[] = [];

  before(async function () {
    runtime = requireAgentRuntimeInstalled(this);
    tmp = mkdtempSync(join(tmpdir(), 'nc-oc-it-'));
    ws = join(tmp, 'workspace');
    mkdirSync(ws);
    writeFileSync(join(ws, 'README.md'), '# Demo project\n');
    mkdirSync(join(tmp, 'outside'));
    outsidePath = join(tmp, 'outside', 'nemocog-demo.txt');

    demo = await startDemoModel({ scenario: 'deny-and-recover', apiKey: gatewaySecret, scenarioOptions: { outsidePath } });
    sup = await startSupervisorServer({
      handlers: {
        async onBeforeToolCall(req) {
          beforeCalls.push(req);
          // The supervisor's policy stands in for the kernel here: writes outside the workspace are refused.
          return JSON.stringify(req.params).includes(outsidePath) ? { allow: false, reason: `write outside the workspace (${outsidePath}) is not allowed` } : { allow: true };
        },
        onAfterToolCall: (r) => void afterCalls.push(r),
        onPluginLoaded: (i) => void loaded.push(i),
        onRejected: (r) => void rejected.push(r),
      },
    });
    const entryFile = await buildSupervisorPlugin(join(tmp, 'plugin-build'));
    const paths = writeOpenClawSetup({
      rootDir: join(tmp, 'agent'),
      workspaceDir: ws,
      provider: { baseUrl: demo.baseUrl, apiKey: gatewaySecret, model: demo.model },
      plugin: { entryFile, socketPath: sup.socketPath, timeoutMs: 60_000 },
    });
    const command = buildAgentCommand({
      runtime: runtime,
      paths,
      sessionId: 'nc-it-1',
      task: 'Add a greeting helper in src/greeting.ts, mention it in README.md, and record that it is installed.',
      supervisor: { socketPath: sup.socketPath, secret: sup.secret, timeoutMs: 60_000 },
    });
    result = await runAgentTurn({ command, timeoutMs: 5 * 60_000 });

    // Second turn: the correction prompt (as recovery sends it), same workspace, new session.
    requestsBeforeRecovery = demo.completions().length;
    const recoveryCommand = buildAgentCommand({
      runtime: runtime,
      paths,
      sessionId: 'nc-it-2',
      task: `NemoCognition recovery (attempt 1): the previous attempt tried to write ${outsidePath}, which was denied. Complete the task inside the workspace only.`,
      supervisor: { socketPath: sup.socketPath, secret: sup.secret, timeoutMs: 60_000 },
    });
    recovery = await runAgentTurn({ command: recoveryCommand, timeoutMs: 5 * 60_000 });
    agentRoot = paths.rootDir;
    trajectory = await exportTrajectory({ runtime: runtime, paths, sessionId: 'nc-it-1', name: 'nc-it-1' });
  });

  after(async () => {
    await demo?.close();
    await sup?.close();
    if (tmp) rmSync(tmp, { recursive: true, force: true });
  });

  it('parses the envelope of the pinned version', () => {
    assert.equal(result.exitCode, 0);
    assert.equal(result.envelope.meta.agentMeta.sessionId, 'nc-it-1');
    assert.equal(result.envelope.meta.stopReason, 'stop');
    assert.equal(typeof result.envelope.meta.replayInvalid, 'boolean');
    assert.match(result.envelope.payloads.map((p) => p.text).join('\n'), /could not finish/);
  });

  it('the plugin loaded and asked the supervisor before every tool call', () => {
    assert.equal(loaded.length >= 1, true, 'plugin_loaded never arrived');
    const summary = toolSummaryOf(result.envelope);
    assert.equal(summary.calls, 3);
    const first = beforeCalls.filter((b) => b.sessionId === 'nc-it-1');
    assert.equal(first.length, summary.calls);
    assert.deepEqual(first.map((b) => b.toolName), ['write', 'exec', 'exec']);
    assert.equal(new Set(first.map((b) => b.toolCallId)).size, first.length);
    for (const b of first) {
      assert.equal(b.sessionId, 'nc-it-1');
      assert.ok(b.runId);
    }
    assert.deepEqual(rejected, []);
  });

  it('after_tool_call reported every call, and the blocked one reads as a supervisor denial', () => {
    const first = afterCalls.filter((a) => a.sessionId === 'nc-it-1');
    assert.equal(first.length, 3);
    const denials = first.flatMap((a) => denialsInToolOutcome(a));
    assert.equal(denials.length, 1);
    assert.equal(denials[0].errno, 'BLOCKED');
    assert.equal(denials[0].tool, 'exec');
    assert.equal(result.envelope.meta.toolSummary?.failures, 1);
  });

  it('the block really kept the write from happening; the in-workspace edits happened', () => {
    assert.equal(existsSync(outsidePath), false);
    assert.match(readFileSync(join(ws, 'src', 'greeting.ts'), 'utf8'), /export function greeting/);
    assert.match(readFileSync(join(ws, 'README.md'), 'utf8'), /Greeting helper/);
  });

  it('re-invoked with the correction prompt, the scripted model completes inside the workspace', () => {
    assert.equal(recovery.envelope.meta.agentMeta.sessionId, 'nc-it-2');
    assert.equal(recovery.envelope.meta.stopReason, 'stop');
    assert.deepEqual(toolSummaryOf(recovery.envelope), { calls: 3, tools: ['write', 'exec'], failures: 0 });
    assert.match(recovery.envelope.payloads.map((p) => p.text).join('\n'), /^Done/);
    assert.equal(readFileSync(join(ws, 'notes', 'nemocog-demo.txt'), 'utf8'), 'greeting installed\n');
    assert.equal(existsSync(outsidePath), false);
    assert.equal(beforeCalls.length, 6);
    assert.equal(afterCalls.length, 6);
    assert.equal(afterCalls.slice(3).flatMap((a) => denialsInToolOutcome(a)).length, 0);
  });

  it('the demo model saw every tool result, streamed, with the gateway key and a traceparent', () => {
    const calls = demo.completions().slice(0, requestsBeforeRecovery);
    assert.equal(calls.length, 4);
    const last = new Conversation(calls[calls.length - 1].json!);
    const results = last.allToolResults();
    assert.equal(results.length, 3);
    assert.match(results[0], /Successfully wrote/);
    assert.match(results[2], /Blocked by NemoCognition: write outside the workspace/);
    for (const c of demo.completions()) {
      assert.equal(c.json!.stream, true);
      assert.equal(c.headers.authorization, `Bearer ${gatewaySecret}`);
      assert.match(String(c.headers.traceparent), /^00-[0-9a-f]{32}-[0-9a-f]{16}-0[01]$/);
    }
  });

  it('OpenClaw\'s own trajectory export of the first turn agrees, and lands outside the workspace', () => {
    assert.ok(trajectory.outputDir.startsWith(agentRoot));
    assert.equal(existsSync(join(ws, '.openclaw')), false);
    assert.ok(trajectory.events.every((e) => e.traceSchema === 'openclaw-trajectory'));
    const runtimeCalls = trajectory.events.filter((e) => e.type === 'tool.call' && e.source === 'runtime');
    assert.equal(runtimeCalls.length, 3);
    assert.equal(trajectory.events.filter((e) => e.type === 'tool.result' && e.source === 'runtime').length, 3);
    assert.ok(trajectory.files.includes('events.jsonl'));
  });

  it('the supervisor secret never reached the model', () => {
    for (const r of demo.requests) {
      assert.equal(r.body.includes(sup.secret), false);
      assert.equal(JSON.stringify(r.headers).includes(sup.secret), false);
    }
  });
});
