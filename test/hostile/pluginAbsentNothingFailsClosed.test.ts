/**
 * Issue 13, hole 7: "when the plugin is absent, nothing fails closed". With
 * OpenClaw 2026.9.6 a missing or unloadable plugin only logs a warning, and
 * the gateway fallback released held tool calls when the snapshot failed and
 * discarded the supervisor's decision. Here, without an agent: the branch's
 * supervision mode waits for the plugin's hello (from the current agent
 * process, with the bundled plugin's hash); without one, the gateway
 * supervises every call itself and refuses on a denial or a failure. The
 * real-OpenClaw version is in test/hostile/hostileAgentDemo.test.ts.
 */
import assert from 'node:assert/strict';
import { connect } from 'node:net';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { SUPERVISOR_PROTOCOL_VERSION } from '../../src/core/bridge/openclaw/plugin/protocol';
import { ModelCallRouter } from '../../src/core/run/modelCalls';
import { BranchSupervision } from '../../src/core/run/supervisionMode';
import { SupervisorHub } from '../../src/core/run/supervisorHub';
import type { BeforeToolCall, ToolSupervisor } from '../../src/core/run/toolSupervision';
import type { Recorder } from '../../src/core/recorder/recorder';
import { Scrubber } from '../../src/core/redact';

const SHA = 'a'.repeat(64);

/** Records what the router asks of the supervisor; the decision is the test's. */
function supervisorDouble(decide: (c: BeforeToolCall) => Promise<{ allow: boolean; reason?: string }>) {
  const asked: BeforeToolCall[] = [];
  const abandoned: string[][] = [];
  const double = {
    before: async (c: BeforeToolCall) => {
      asked.push(c);
      return decide(c);
    },
    after: async () => undefined,
    abandonCalls: async (ids: string[]) => void abandoned.push(ids),
  };
  return { supervisor: double as unknown as ToolSupervisor, asked, abandoned };
}

const tools = (...names: string[]) => ({ callId: 'mc1', traceparent: null, tools: names.map((name, i) => ({ id: `call_${i}`, name, arguments: '{"path":"x"}' })) });

describe('hole 7: nothing failed closed without the plugin — the supervision mode', () => {
  it('is "plugin" once the hello of the bundled plugin arrived, even after the first tool calls started waiting', async () => {
    const s = new BranchSupervision(SHA, 5_000);
    const pending = s.decide();
    setTimeout(() => s.onHello({ pid: 7, sha256: SHA, at: Date.now() }), 50);
    assert.equal(await pending, 'plugin');
    assert.equal(s.mode, 'plugin');
  });

  it('is "gateway-only" without a hello, and says why', async () => {
    const s = new BranchSupervision(SHA, 100);
    assert.equal(await s.decide(), 'gateway-only');
    assert.match(s.reason, /did not say hello/);
    s.onHello({ pid: 7, sha256: SHA, at: Date.now() });
    assert.equal(await s.decide(), 'gateway-only', 'the mode is sticky for the agent process');
  });

  it('does not count a hello from a plugin whose hash is not the bundled one', async () => {
    const s = new BranchSupervision(SHA, 100);
    s.onHello({ pid: 7, sha256: 'b'.repeat(64), at: Date.now() });
    assert.equal(await s.decide(), 'gateway-only');
    assert.match(s.reason, /not the bundled one/);
  });
});

describe('hole 7: the gateway fallback failed open — the router in gateway-only mode', () => {
  const recorder = { appendNode: async () => ({}) } as unknown as Recorder;
  const router = () => new ModelCallRouter(recorder, () => undefined, { baseUrl: 'http://m', model: 'm' });

  it('releases at once in plugin mode (the plugin supervises each call)', async () => {
    const r = router();
    const s = new BranchSupervision(SHA, 100);
    s.onHello({ pid: 1, sha256: SHA, at: 0 });
    const d = supervisorDouble(async () => ({ allow: true }));
    r.startTurn({ branchId: 'b', supervisor: d.supervisor, supervision: s });
    assert.equal(await r.onToolCallsAnnounced(tools('exec')), undefined);
    assert.equal(d.asked.length, 0);
  });

  it('supervises every call itself, and a denial refuses the whole answer (the other allowed calls are closed as not run)', async () => {
    const r = router();
    const warned: string[] = [];
    const d = supervisorDouble(async (c) => (c.toolName === 'read' ? { allow: false, reason: 'outside the workspace' } : { allow: true }));
    r.startTurn({ branchId: 'b', supervisor: d.supervisor, supervision: new BranchSupervision(SHA, 50), gatewayOnly: (why) => warned.push(why) });
    const v = await r.onToolCallsAnnounced(tools('exec', 'read'));
    assert.deepEqual(v, { refuse: 'outside the workspace' });
    assert.deepEqual(d.asked.map((c) => c.toolName), ['exec', 'read']);
    assert.deepEqual(d.abandoned, [['call_0']]);
    assert.equal(warned.length, 1);
  });

  it('refuses when the snapshot or the decision fails', async () => {
    const r = router();
    const d = supervisorDouble(async () => {
      throw new Error('disk full');
    });
    r.startTurn({ branchId: 'b', supervisor: d.supervisor, supervision: new BranchSupervision(SHA, 50) });
    const v = await r.onToolCallsAnnounced(tools('exec'));
    assert.match((v as { refuse: string }).refuse, /could not take the snapshot or decide before exec \(disk full\)/);
  });

  it('refuses when no branch is running', async () => {
    assert.ok(((await router().onToolCallsAnnounced(tools('exec'))) as { refuse?: string }).refuse);
  });
});

describe('hole 7: a hello counts only from the current agent process (per-start secret)', () => {
  let dir: string;
  let hub: SupervisorHub;
  before(async () => {
    dir = mkdtempSync(join(tmpdir(), 'nc-hub-'));
    hub = await SupervisorHub.start(dir, 'run_hubtest00001', new Scrubber());
  });
  after(async () => {
    await hub.close();
    rmSync(dir, { recursive: true, force: true });
  });

  const send = (socketPath: string, msg: unknown) =>
    new Promise<string>((resolve, reject) => {
      const s = connect(socketPath);
      let buf = '';
      s.setEncoding('utf8');
      s.on('connect', () => s.write(`${JSON.stringify(msg)}\n`));
      s.on('data', (c: string) => (buf += c));
      s.on('end', () => resolve(buf));
      s.on('error', reject);
    });
  const hello = (secret: string) => ({ type: 'plugin_loaded', v: SUPERVISOR_PROTOCOL_VERSION, id: 'h1', secret, pluginId: 'nemocog-supervisor', pid: 42, sha256: SHA });

  it('ignores the previous agent\'s secret and hears the current one', async () => {
    const handlers = { before: async () => ({ allow: true }), after: async () => undefined };
    const first = hub.bind('b1', handlers, new BranchSupervision(SHA, 100));
    const oldSecret = first.endpoint.secret;
    first.close();
    const supervision = new BranchSupervision(SHA, 2_000);
    const second = hub.bind('b2', handlers, supervision);
    assert.notEqual(second.endpoint.secret, oldSecret);
    assert.match(await send(second.endpoint.socketPath, hello(oldSecret)), /refused: bad-secret/);
    assert.equal(supervision.hello, null);
    assert.match(await send(second.endpoint.socketPath, hello(second.endpoint.secret)), /"ok":true/);
    assert.equal(await supervision.decide(), 'plugin');
    second.close();
  });

  it('in gateway-only mode, a late plugin may run only what the gateway already supervised', async () => {
    const supervision = new BranchSupervision(SHA, 50);
    const ch = hub.bind('b3', { before: async () => ({ allow: true }), after: async () => undefined }, supervision);
    assert.equal(await supervision.decide(), 'gateway-only');
    supervision.gatewayAllowed.add('call_ok');
    const ask = (id: string) => send(ch.endpoint.socketPath, { type: 'before_tool_call', v: SUPERVISOR_PROTOCOL_VERSION, id: `q-${id}`, secret: ch.endpoint.secret, toolName: 'exec', params: {}, toolCallId: id });
    assert.match(await ask('callok'), /"allow":true/); // OpenClaw strips the underscore
    assert.match(await ask('call_other'), /"allow":false/);
    ch.close();
  });
});
