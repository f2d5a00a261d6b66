/** Where the extension puts and looks for the agent runtime (pure parts; no `vscode` module loaded). */
import assert from 'node:assert/strict';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { homedir, tmpdir } from 'node:os';
import { join } from 'node:path';
import { locateAgentRuntime, OPENCLAW_VERSION, RUNTIME_DIR_ENV } from '../../../src/core/bridge/openclaw/runtime';
import { DEFAULTS, readSettings } from '../../../src/vscode/config/settings';
import { currentRuntimeDir, exposeRuntimeDir, initRuntimeContext, resetRuntimeContextForTests } from '../../../src/vscode/runtime/runtimeContext';
import { chooseRuntimeDir, describeChoice, expandHome, installedMessage } from '../../../src/vscode/runtime/runtimeDir';

describe('agent runtime folder (VS Code side)', () => {
  const home = '/home/ada';
  const gs = '/home/ada/.config/Code/User/globalStorage/nemocognition.nemocognition';

  it('setting > NEMOCOG_RUNTIME_DIR the user started VS Code with > global storage', () => {
    assert.deepEqual(chooseRuntimeDir({ setting: '/opt/rt', inheritedEnv: '/env/rt', globalStorageDir: gs, home }), { dir: '/opt/rt', source: 'setting' });
    assert.deepEqual(chooseRuntimeDir({ setting: '  ', inheritedEnv: '/env/rt', globalStorageDir: gs, home }), { dir: '/env/rt', source: 'environment' });
    assert.deepEqual(chooseRuntimeDir({ setting: '', inheritedEnv: undefined, globalStorageDir: gs, home }), { dir: join(gs, 'agent-runtime'), source: 'global-storage' });
    assert.match(describeChoice({ dir: '/x', source: 'global-storage' }), /^\/x \(in the extension's global storage\)$/);
  });

  it('expands ~ and ${userHome}; relative paths are taken from home', () => {
    assert.equal(expandHome('~', home), home);
    assert.equal(expandHome('~/rt', home), '/home/ada/rt');
    assert.equal(expandHome('${userHome}/a/../rt', home), '/home/ada/rt');
    assert.equal(expandHome('rt', home), '/home/ada/rt');
    assert.equal(expandHome('~other/rt', home), '/home/ada/~other/rt');
  });

  it('reads the setting (trimmed, empty by default, wrong type falls back)', () => {
    assert.equal(DEFAULTS.agentRuntimeDir, '');
    assert.equal(readSettings((k) => (k === 'agent.runtimeDir' ? ' ~/rt ' : undefined)).agentRuntimeDir, '~/rt');
    assert.equal(readSettings((k) => (k === 'agent.runtimeDir' ? 42 : undefined)).agentRuntimeDir, '');
  });

  it('names the versions when the install is done', () => {
    assert.equal(installedMessage({ dir: '/rt', openclawVersion: '2026.9.6' }, '24.21.0'), 'NemoCognition: agent runtime ready — OpenClaw 2026.9.6 on Node 24.21.0, in /rt.');
  });

  describe('exposing the folder to the core', () => {
    let tmp: string;
    beforeEach(() => {
      tmp = mkdtempSync(join(tmpdir(), 'nc-rtctx-'));
      resetRuntimeContextForTests();
    });
    afterEach(() => {
      rmSync(tmp, { recursive: true, force: true });
      resetRuntimeContextForTests();
    });

    it('leaves the environment alone before activation', () => {
      const env: NodeJS.ProcessEnv = {};
      assert.equal(exposeRuntimeDir('', env), undefined);
      assert.deepEqual(env, {});
    });

    it("keeps the user's own NEMOCOG_RUNTIME_DIR unless the setting overrides it, and the core then finds the runtime there", () => {
      const env: NodeJS.ProcessEnv = { [RUNTIME_DIR_ENV]: join(tmp, 'user-env') };
      initRuntimeContext(join(tmp, 'gs'), env);
      assert.equal(exposeRuntimeDir('', env)?.source, 'environment');
      assert.equal(env[RUNTIME_DIR_ENV], join(tmp, 'user-env'));
      assert.equal(exposeRuntimeDir(join(tmp, 'configured'), env)?.dir, join(tmp, 'configured'));
      assert.equal(env[RUNTIME_DIR_ENV], join(tmp, 'configured'));
      // The setting cleared again: back to the inherited value, not the last one the extension wrote.
      assert.equal(exposeRuntimeDir('', env)?.dir, join(tmp, 'user-env'));

      const configured = join(tmp, 'configured');
      mkdirSync(join(configured, 'node_modules', 'node', 'bin'), { recursive: true });
      mkdirSync(join(configured, 'node_modules', 'openclaw'), { recursive: true });
      writeFileSync(join(configured, 'node_modules', 'node', 'bin', 'node'), '');
      writeFileSync(join(configured, 'node_modules', 'openclaw', 'openclaw.mjs'), '');
      writeFileSync(join(configured, 'node_modules', 'openclaw', 'package.json'), JSON.stringify({ version: OPENCLAW_VERSION }));
      exposeRuntimeDir(configured, env);
      assert.equal(locateAgentRuntime({ repoRoot: tmp, env }).dir, configured);
    });

    it('defaults to <globalStorage>/agent-runtime', () => {
      initRuntimeContext(join(tmp, 'gs'), {});
      assert.deepEqual(currentRuntimeDir(''), { dir: join(tmp, 'gs', 'agent-runtime'), source: 'global-storage' });
      assert.equal(currentRuntimeDir('~/x')?.dir, join(homedir(), 'x'));
    });
  });
});
