import assert from 'node:assert/strict';
import { mkdirSync, mkdtempSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { buildAgentCommand, buildExportTrajectoryCommand, sessionKeyFor, supportedThinking } from '../../../src/core/bridge/openclaw/command';
import { agentWritablePaths, buildOpenClawConfig, writeOpenClawSetup } from '../../../src/core/bridge/openclaw/config';
import { AGENT_NODE_VERSION, AgentRuntimeMissingError, OPENCLAW_VERSION, locateAgentRuntime, type AgentRuntime } from '../../../src/core/bridge/openclaw/runtime';
import { REPO_ROOT } from '../../support/agent-runtime';

const runtime: AgentRuntime = { dir: '/rt', nodeBin: '/rt/node_modules/node/bin/node', openclawEntry: '/rt/node_modules/openclaw/openclaw.mjs', openclawVersion: OPENCLAW_VERSION };

describe('OpenClaw config, command line and runtime lookup', () => {
  let tmp: string;
  beforeEach(() => (tmp = mkdtempSync(join(tmpdir(), 'nc-oc-cmd-'))));
  afterEach(() => rmSync(tmp, { recursive: true, force: true }));

  function setup() {
    const entryFile = join(tmp, 'bundle.mjs');
    writeFileSync(entryFile, 'export default { id: "nemocog-supervisor", register() {} };\n');
    return writeOpenClawSetup({
      rootDir: join(tmp, 'agent'),
      workspaceDir: join(tmp, 'ws'),
      provider: { baseUrl: 'http://127.0.0.1:4000/v1', apiKey: 'gw-secret', model: 'nemotron' },
      plugin: { entryFile, socketPath: '/tmp/nc-sup-x/supervisor.sock' },
    });
  }

  it('writes a private config: one provider, the workspace, no bootstrap, the plugin allow-listed; no supervisor secret on disk', () => {
    const paths = setup();
    const cfg = JSON.parse(readFileSync(paths.configPath, 'utf8'));
    assert.deepEqual(cfg.models.providers.nemocog, {
      baseUrl: 'http://127.0.0.1:4000/v1',
      apiKey: 'gw-secret',
      api: 'openai-completions',
      models: [{ id: 'nemotron', name: 'nemotron', reasoning: false, input: ['text'] }],
    });
    assert.deepEqual(cfg.agents.defaults, { model: { primary: 'nemocog/nemotron' }, workspace: join(tmp, 'ws'), skipBootstrap: true });
    assert.deepEqual(cfg.plugins.allow, ['nemocog-supervisor']);
    assert.deepEqual(cfg.plugins.load.paths, [paths.pluginDir]);
    assert.deepEqual(cfg.plugins.entries['nemocog-supervisor'], { enabled: true, config: { socketPath: '/tmp/nc-sup-x/supervisor.sock', timeoutMs: 120000 } });
    assert.equal(statSync(paths.configPath).mode & 0o777, 0o600);
    assert.equal(statSync(paths.stateDir).mode & 0o777, 0o700);
    const manifest = JSON.parse(readFileSync(join(paths.pluginDir!, 'openclaw.plugin.json'), 'utf8'));
    assert.equal(manifest.id, 'nemocog-supervisor');
    assert.equal(manifest.configSchema.type, 'object');
    assert.deepEqual(JSON.parse(readFileSync(join(paths.pluginDir!, 'package.json'), 'utf8')).openclaw, { extensions: ['./index.mjs'] });
    assert.match(readFileSync(join(paths.pluginDir!, 'index.mjs'), 'utf8'), /nemocog-supervisor/);
    assert.equal(paths.transcriptDb, join(paths.stateDir, 'agents', 'main', 'agent', 'openclaw-agent.sqlite'));
    assert.deepEqual(cfg.logging, { file: paths.logFile });
    assert.ok(paths.logFile.startsWith(paths.rootDir));
    assert.deepEqual(agentWritablePaths(paths, 1000), [paths.stateDir, paths.homeDir, paths.tmpDir, join(paths.rootDir, 'logs'), '/tmp/openclaw-state-locks-1000']);
    assert.throws(() => buildOpenClawConfig({ rootDir: tmp, workspaceDir: tmp, provider: { id: 'Bad Id', baseUrl: 'x', apiKey: 'k', model: 'm' } }), /Provider id/);
  });

  it('builds the exact argv and a from-scratch env', () => {
    const paths = setup();
    const cmd = buildAgentCommand({ runtime, paths, sessionId: 'nc-1', task: 'do it', thinking: 'adaptive', timeoutSeconds: 90, supervisor: { socketPath: '/s.sock', secret: 'sup-secret' }, path: '/usr/bin:/bin' });
    assert.deepEqual(cmd.argv, [runtime.nodeBin, runtime.openclawEntry, 'agent', '--local', '--agent', 'main', '--json', '--session-id', 'nc-1', '-m', 'do it', '--thinking', 'adaptive', '--timeout', '90']);
    assert.deepEqual(cmd.env, {
      PATH: '/usr/bin:/bin',
      HOME: paths.homeDir,
      TMPDIR: paths.tmpDir,
      LANG: 'C.UTF-8',
      NO_COLOR: '1',
      OPENCLAW_CONFIG_PATH: paths.configPath,
      OPENCLAW_STATE_DIR: paths.stateDir,
      OPENCLAW_CHILD_OOM_SCORE_ADJ: '0',
      NEMOCOG_SUPERVISOR_SOCKET: '/s.sock',
      NEMOCOG_SUPERVISOR_SECRET: 'sup-secret',
    });
    assert.equal(cmd.cwd, paths.workspaceDir);
  });

  it('does not pass the caller env through (no user keys reach the agent)', () => {
    const paths = setup();
    process.env.NVIDIA_API_KEY_TEST_CANARY = 'nvapi-canary';
    try {
      const cmd = buildAgentCommand({ runtime, paths, sessionId: 's', task: 't', extraEnv: { OPENCLAW_STATE_DIR: '/evil', LC_ALL: 'C' } });
      assert.equal(JSON.stringify(cmd).includes('nvapi-canary'), false);
      assert.equal(cmd.env.OPENCLAW_STATE_DIR, paths.stateDir);
      assert.equal(cmd.env.LC_ALL, 'C');
      assert.equal(cmd.argv.includes('--thinking'), false);
    } finally {
      delete process.env.NVIDIA_API_KEY_TEST_CANARY;
    }
  });

  it('passes --thinking only where OpenClaw accepts it (adaptive needs compat.supportedReasoningEfforts)', () => {
    assert.equal(supportedThinking({}, 'adaptive'), undefined);
    assert.equal(supportedThinking({ reasoning: true }, 'adaptive'), undefined);
    assert.equal(supportedThinking({ reasoning: true }, 'high'), 'high');
    assert.equal(supportedThinking({ reasoning: true, reasoningEfforts: ['adaptive'] }, 'adaptive'), 'adaptive');
    assert.equal(supportedThinking({}, 'off'), 'off');
    const cfg = buildOpenClawConfig({ rootDir: tmp, workspaceDir: tmp, provider: { baseUrl: 'u', apiKey: 'k', model: 'nemotron', reasoning: true, reasoningEfforts: ['adaptive'] } });
    const models = (cfg.models as { providers: Record<string, { models: Array<Record<string, unknown>> }> }).providers.nemocog.models;
    assert.deepEqual(models[0].compat, { supportedReasoningEfforts: ['adaptive'] });
    assert.equal(models[0].reasoning, true);
  });

  it('builds the trajectory export command with a private export root', () => {
    const paths = setup();
    const c = buildExportTrajectoryCommand(runtime, paths, 'nc-1', '/priv/exports', 'nc-1');
    assert.deepEqual(c.argv, [runtime.nodeBin, runtime.openclawEntry, 'sessions', 'export-trajectory', '--agent', 'main', '--session-key', 'agent:main:explicit:nc-1', '--workspace', '/priv/exports', '--output', 'nc-1', '--json']);
    assert.equal(c.cwd, '/priv/exports');
    assert.equal(sessionKeyFor('x'), 'agent:main:explicit:x');
    assert.throws(() => buildExportTrajectoryCommand(runtime, paths, 'nc-1', '/p', '../up'), /Invalid export name/);
  });

  it('rejects unsafe session ids, empty tasks and unknown thinking levels', () => {
    const paths = setup();
    assert.throws(() => buildAgentCommand({ runtime, paths, sessionId: '--help', task: 't' }), /Invalid OpenClaw session id/);
    assert.throws(() => buildAgentCommand({ runtime, paths, sessionId: 'a/b', task: 't' }), /Invalid/);
    assert.throws(() => buildAgentCommand({ runtime, paths, sessionId: 's', task: '  ' }), /empty/);
    assert.throws(() => buildAgentCommand({ runtime, paths, sessionId: 's', task: 't', thinking: 'huge' as never }), /Unknown thinking level/);
  });

  it('locates the runtime, and says how to install it when missing', () => {
    const dir = join(tmp, 'rt');
    assert.throws(
      () => locateAgentRuntime({ runtimeDir: dir, repoRoot: tmp, env: {} }),
      (e: unknown) => e instanceof AgentRuntimeMissingError && /node \.ci\/install-agent-runtime\.mjs/.test(e.message) && e.searched.includes(dir),
    );
    mkdirSync(join(dir, 'node_modules', 'node', 'bin'), { recursive: true });
    mkdirSync(join(dir, 'node_modules', 'openclaw'), { recursive: true });
    writeFileSync(join(dir, 'node_modules', 'node', 'bin', 'node'), '');
    writeFileSync(join(dir, 'node_modules', 'openclaw', 'openclaw.mjs'), '');
    writeFileSync(join(dir, 'node_modules', 'openclaw', 'package.json'), JSON.stringify({ version: '0.0.1' }));
    assert.throws(() => locateAgentRuntime({ runtimeDir: dir, repoRoot: tmp, env: {} }), /openclaw 0\.0\.1, expected 2026\.9\.6/);
    writeFileSync(join(dir, 'node_modules', 'openclaw', 'package.json'), JSON.stringify({ version: OPENCLAW_VERSION }));
    assert.equal(locateAgentRuntime({ runtimeDir: dir, repoRoot: tmp, env: {} }).dir, dir);
    assert.equal(locateAgentRuntime({ repoRoot: tmp, env: { NEMOCOG_RUNTIME_DIR: dir } }).openclawEntry, join(dir, 'node_modules', 'openclaw', 'openclaw.mjs'));
  });

  it('pins the same versions as the installer script', () => {
    const script = readFileSync(join(REPO_ROOT, '.ci', 'install-agent-runtime.mjs'), 'utf8');
    assert.match(script, new RegExp(`OPENCLAW_VERSION = '${OPENCLAW_VERSION.replace(/\./g, '\\.')}'`));
    assert.match(script, new RegExp(`NODE_VERSION = '${AGENT_NODE_VERSION.replace(/\./g, '\\.')}'`));
  });
});
