import assert from 'node:assert/strict';
import { existsSync, mkdtempSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { buildSupervisorPlugin } from '../../support/agent-runtime';
import { connect } from 'node:net';
import { decide, readChannelConfig, report, request } from '../../../src/core/bridge/openclaw/plugin/index';
import plugin from '../../../src/core/bridge/openclaw/plugin/index';
import { ENV_SECRET, ENV_SECRET_FILE, ENV_SOCKET, SUPERVISOR_PROTOCOL_VERSION } from '../../../src/core/bridge/openclaw/plugin/protocol';
import { startSupervisorServer, type AfterToolCallReport, type BeforeToolCallRequest, type RejectedMessage, type SupervisorServer } from '../../../src/core/bridge/openclaw/supervisorServer';

/** Raw line exchange, as any local process could attempt it. */
function rawExchange(socketPath: string, line: string): Promise<string> {
  return new Promise((resolve, reject) => {
    const s = connect(socketPath);
    let buf = '';
    s.setEncoding('utf8');
    s.on('connect', () => s.write(line));
    s.on('data', (c: string) => (buf += c));
    s.on('end', () => resolve(buf));
    s.on('error', reject);
  });
}

const event = { toolName: 'exec', params: { command: 'echo hi' }, runId: 'r1', toolCallId: 'call_1' };
const ctx = { sessionId: 's1', sessionKey: 'agent:main:explicit:s1', agentId: 'main', runId: 'r1', toolCallId: 'call_1', trace: { traceId: 'ab'.repeat(16) } };

describe('supervisor channel (plugin <-> server)', () => {
  let server: SupervisorServer;
  const seenBefore: BeforeToolCallRequest[] = [];
  const seenAfter: AfterToolCallReport[] = [];
  const rejected: RejectedMessage[] = [];
  let verdict: (r: BeforeToolCallRequest) => Promise<{ allow: boolean; reason?: string }> = async () => ({ allow: true });

  before(async () => {
    server = await startSupervisorServer({
      handlers: {
        onBeforeToolCall: async (r) => {
          seenBefore.push(r);
          return verdict(r);
        },
        onAfterToolCall: (r) => void seenAfter.push(r),
        onRejected: (r) => void rejected.push(r),
      },
    });
  });
  after(async () => server.close());
  beforeEach(() => {
    seenBefore.length = 0;
    seenAfter.length = 0;
    rejected.length = 0;
    verdict = async () => ({ allow: true });
  });

  const cfg = () => ({ socketPath: server.socketPath, secret: server.secret, timeoutMs: 2000 });

  it('lives in a private 0700 folder with a 0600 socket and a 256-bit secret', () => {
    assert.equal(statSync(server.dir).mode & 0o777, 0o700);
    assert.equal(statSync(server.socketPath).mode & 0o777, 0o600);
    assert.match(server.secret, /^[0-9a-f]{64}$/);
  });

  it('allow: the plugin lets the call run and the server saw its full context', async () => {
    assert.equal(await decide(cfg(), event, ctx), undefined);
    assert.equal(seenBefore.length, 1);
    assert.deepEqual(seenBefore[0], { toolName: 'exec', params: { command: 'echo hi' }, toolCallId: 'call_1', runId: 'r1', sessionId: 's1', sessionKey: 'agent:main:explicit:s1', agentId: 'main', traceId: 'ab'.repeat(16) });
    assert.equal('secret' in seenBefore[0], false);
  });

  it('deny: the plugin blocks with the reason', async () => {
    verdict = async () => ({ allow: false, reason: 'write outside the workspace' });
    assert.deepEqual(await decide(cfg(), event, ctx), { block: true, blockReason: 'Blocked by NemoCognition: write outside the workspace' });
  });

  it('a throwing handler is a denial, never an allow', async () => {
    verdict = async () => {
      throw new Error('snapshot failed: disk full');
    };
    const r = await decide(cfg(), event, ctx);
    assert.equal(r?.block, true);
    assert.match(r!.blockReason, /snapshot failed: disk full/);
  });

  it('fails closed: no channel, wrong secret, unreachable socket, slow supervisor', async () => {
    assert.match((await decide({ timeoutMs: 1000 }, event, ctx))!.blockReason, /not configured/);
    assert.match((await decide({ ...cfg(), secret: 'x'.repeat(64) }, event, ctx))!.blockReason, /Blocked by NemoCognition/);
    assert.equal(rejected[0]?.reason, 'bad-secret');
    assert.match((await decide({ ...cfg(), socketPath: `${server.dir}/nope.sock` }, event, ctx))!.blockReason, /could not be reached/);
    verdict = () => new Promise((r) => setTimeout(() => r({ allow: true }), 1500));
    assert.match((await decide({ ...cfg(), timeoutMs: 300 }, event, ctx))!.blockReason, /no answer within 300 ms/);
    await new Promise((r) => setTimeout(r, 1300));
  });

  it('refuses and reports messages without the secret, malformed lines and unknown types', async () => {
    const noSecret = await rawExchange(server.socketPath, JSON.stringify({ type: 'before_tool_call', v: SUPERVISOR_PROTOCOL_VERSION, id: 'a', toolName: 'exec', params: {} }) + '\n');
    assert.deepEqual(JSON.parse(noSecret), { id: 'a', allow: false, ok: false, error: 'refused: bad-secret' });
    const garbage = await rawExchange(server.socketPath, 'not json\n');
    assert.equal(JSON.parse(garbage).error, 'refused: malformed');
    const unknown = await rawExchange(server.socketPath, JSON.stringify({ type: 'exfiltrate', v: 1, id: 'b', secret: server.secret }) + '\n');
    assert.equal(JSON.parse(unknown).error, 'refused: unknown-type');
    const wrongVersion = await rawExchange(server.socketPath, JSON.stringify({ type: 'before_tool_call', v: 99, id: 'c', secret: server.secret, toolName: 'exec', params: {} }) + '\n');
    assert.equal(JSON.parse(wrongVersion).allow, false);
    assert.deepEqual(
      rejected.map((r) => r.reason),
      ['bad-secret', 'malformed', 'unknown-type', 'malformed'],
    );
    assert.equal(seenBefore.length, 0);
    assert.ok(rejected.every((r) => !JSON.stringify(r).includes(server.secret)));
  });

  it('after_tool_call reports result, error and duration; oversized results are cut', async () => {
    await report(cfg(), { ...event, result: { content: [{ type: 'text', text: 'hi' }] }, durationMs: 12 }, ctx);
    await report(cfg(), { ...event, error: 'boom', result: { big: 'y'.repeat(2 * 1024 * 1024) } }, ctx);
    assert.equal(seenAfter.length, 2);
    assert.deepEqual(seenAfter[0].result, { content: [{ type: 'text', text: 'hi' }] });
    assert.equal(seenAfter[0].durationMs, 12);
    assert.equal(seenAfter[1].error, 'boom');
    assert.equal(seenAfter[1].resultTruncated, true);
  });

  it('reads its channel from the env once, removes the secret from the env, and keeps it for later register() calls', () => {
    const env: NodeJS.ProcessEnv = { [ENV_SOCKET]: '/tmp/s.sock', [ENV_SECRET]: 'sek', OTHER: '1' };
    const first = readChannelConfig({ socketPath: '/from/config.sock' }, env);
    assert.deepEqual([first.socketPath, first.secret], ['/tmp/s.sock', 'sek']);
    assert.equal(env[ENV_SECRET], undefined);
    assert.equal(env[ENV_SOCKET], undefined);
    const again = readChannelConfig({ socketPath: '/from/config.sock' }, env);
    assert.deepEqual([again.socketPath, again.secret], ['/tmp/s.sock', 'sek']);
    delete (globalThis as unknown as Record<symbol, unknown>)[Symbol.for('nemocog.supervisor.channel')];
  });

  it('reads the secret from a file and deletes it, so tools started later cannot read it (not even via /proc/<pid>/environ)', () => {
    const dir = mkdtempSync(join(tmpdir(), 'nc-secret-'));
    try {
      const file = join(dir, 'secret');
      writeFileSync(file, 'file-secret\n', { mode: 0o600 });
      const env: NodeJS.ProcessEnv = { [ENV_SOCKET]: '/tmp/s.sock', [ENV_SECRET_FILE]: file };
      const cfg = readChannelConfig({}, env);
      assert.equal(cfg.secret, 'file-secret');
      assert.equal(existsSync(file), false, 'the secret file is consumed');
      assert.equal(env[ENV_SECRET_FILE], undefined);
      assert.equal(readChannelConfig({}, { [ENV_SECRET_FILE]: file }).secret, 'file-secret', 'later register() calls keep it');
    } finally {
      delete (globalThis as unknown as Record<symbol, unknown>)[Symbol.for('nemocog.supervisor.channel')];
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it('registers both hooks with a timeout longer than its own (OpenClaw fails open on hook timeout)', () => {
    const hooks: Array<{ name: string; timeoutMs?: number }> = [];
    plugin.register({ pluginConfig: {}, on: (name, _h, opts) => void hooks.push({ name, timeoutMs: opts?.timeoutMs }) });
    assert.deepEqual(hooks.map((h) => h.name), ['before_tool_call', 'after_tool_call']);
    assert.ok((hooks[0].timeoutMs ?? 0) > 120_000);
    assert.equal(plugin.id, 'nemocog-supervisor');
  });

  it('bundles to a self-contained ESM module that imports node built-ins only', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'nc-plugin-'));
    try {
      const code = readFileSync(await buildSupervisorPlugin(dir), 'utf8');
      const imports = [...code.matchAll(/^import\s[^;]*?from\s*["']([^"']+)["']/gm)].map((m) => m[1]);
      assert.ok(imports.length > 0);
      assert.deepEqual(imports.filter((i) => !i.startsWith('node:')), []);
      assert.match(code, /export\s*\{[^}]*as default/);
      assert.doesNotMatch(code, /\brequire\(/);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it('request() rejects a reply that is not JSON', async () => {
    const { createServer } = await import('node:net');
    const bad = createServer((s) => s.end('nonsense\n'));
    const path = `${server.dir}/bad.sock`;
    await new Promise<void>((r) => bad.listen(path, () => r()));
    await assert.rejects(request(path, { type: 'plugin_loaded', v: 1, id: 'x', secret: 's', pluginId: 'p', pid: 1 }, 1000), /unreadable reply/);
    bad.close();
  });
});
