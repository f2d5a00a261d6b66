/** Several OpenClaw agents in one private setup: the roster OpenClaw 2026.9.6 accepts, and `--agent` per turn. */
import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { buildAgentCommand, buildExportTrajectoryCommand, sessionKeyFor } from '../../../src/core/bridge/openclaw/command';
import { transcriptDbOf, writeOpenClawSetup } from '../../../src/core/bridge/openclaw/config';
import type { AgentRuntime } from '../../../src/core/bridge/openclaw/runtime';

const runtime = { dir: '/rt', nodeBin: '/rt/node', openclawEntry: '/rt/openclaw.mjs', openclawVersion: '2026.9.6' } as unknown as AgentRuntime;

describe('OpenClaw bridge: two agents sharing a workspace', () => {
  let tmp: string;
  beforeEach(() => (tmp = mkdtempSync(join(tmpdir(), 'nc-agents-'))));
  afterEach(() => rmSync(tmp, { recursive: true, force: true }));

  it('writes an explicit roster whose agents all work in the shared workspace', () => {
    const paths = writeOpenClawSetup({ rootDir: join(tmp, 'state'), workspaceDir: join(tmp, 'ws'), provider: { baseUrl: 'http://127.0.0.1:1/v1', apiKey: 'secret-xyz', model: 'm' }, agents: ['coder', 'reviewer'] });
    const config = JSON.parse(readFileSync(paths.configPath, 'utf8'));
    assert.equal(config.agents.ownership, 'explicit', 'OpenClaw refuses a multi-agent roster without it');
    assert.deepEqual(Object.keys(config.agents.entries), ['coder', 'reviewer']);
    for (const e of Object.values(config.agents.entries) as Array<{ workspace: string }>) assert.equal(e.workspace, join(tmp, 'ws'));
    assert.equal(transcriptDbOf(paths, 'reviewer'), join(paths.stateDir, 'agents', 'reviewer', 'agent', 'openclaw-agent.sqlite'));
  });

  it('runs the turn as the agent named, and refuses an id that is not a plain name', () => {
    const paths = writeOpenClawSetup({ rootDir: join(tmp, 'state'), workspaceDir: join(tmp, 'ws'), provider: { baseUrl: 'http://127.0.0.1:1/v1', apiKey: 'k', model: 'm' } });
    const argv = buildAgentCommand({ runtime, paths, sessionId: 'run-coder', task: 'go', agentId: 'reviewer' }).argv;
    assert.deepEqual(argv.slice(argv.indexOf('--agent'), argv.indexOf('--agent') + 2), ['--agent', 'reviewer']);
    assert.deepEqual(buildAgentCommand({ runtime, paths, sessionId: 's', task: 'go' }).argv.slice(3, 6), ['--local', '--agent', 'main']);
    assert.equal(sessionKeyFor('s1', 'coder'), 'agent:coder:explicit:s1');
    assert.ok(buildExportTrajectoryCommand(runtime, paths, 's1', tmp, 'x', 'coder').argv.includes('agent:coder:explicit:s1'));
    for (const bad of ['Main', '--json', 'a b', '../x', '']) {
      assert.throws(() => buildAgentCommand({ runtime, paths, sessionId: 's', task: 'go', agentId: bad }), /agent id/);
    }
    assert.throws(() => writeOpenClawSetup({ rootDir: join(tmp, 's2'), workspaceDir: tmp, provider: { baseUrl: 'http://x/v1', apiKey: 'k', model: 'm' }, agents: ['ok', 'Bad!'] }), /Agent id/);
  });
});
