/**
 * Issue 13, hole 5 (the sandbox half): "a tool process must not be able to
 * read the gateway secret". The agent (OpenClaw) must read its own config;
 * its tools run as `$SHELL -c ...` and must not. On the real kernel, with the
 * driver's toolSandbox option: the agent reads its state, the tool it starts
 * through $SHELL cannot (Permission denied), nor the agent's environment
 * through /proc, while the workspace, its own home and TMPDIR still work.
 * Also: paths given as extraReadOnly cannot be rewritten even by the agent.
 */
import assert from 'node:assert/strict';
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { LocalSandboxDriver } from '../../src/core/sandbox/local/driver';
import { subtractHidden } from '../../src/core/sandbox/local/toolSandbox';
import { cleanupLauncher, driverFor, policy, spec, tempDir } from '../core/sandbox/local/fixtures';

const SECRET = 'gw-secret-canary-5f1e';

describe('subtractHidden (the tools\' grants minus the agent\'s state)', () => {
  it('drops grants inside a hidden path and splits grants that contain one', () => {
    const d = tempDir('sub');
    try {
      for (const p of ['a/state/x', 'a/work', 'a/home', 'b']) mkdirSync(join(d.path, p), { recursive: true });
      writeFileSync(join(d.path, 'a', 'file'), '');
      const { kept, narrowed } = subtractHidden([d.path, join(d.path, 'a', 'state', 'x')], [join(d.path, 'a', 'state')]);
      assert.deepEqual(narrowed, [d.path]);
      assert.deepEqual(kept.sort(), [join(d.path, 'a', 'file'), join(d.path, 'a', 'home'), join(d.path, 'a', 'work'), join(d.path, 'b')].sort());
    } finally {
      d.cleanup();
    }
  });
});

for (const mode of ['landlock+bwrap', 'landlock only'] as const) {
  describe(`hole 5: tools could read the agent's gateway secret — now a nested sandbox hides it (${mode})`, function () {
    this.timeout(60_000);
    let dir: ReturnType<typeof tempDir>;
    let driver: LocalSandboxDriver;

    before(function () {
      dir = tempDir('tools');
      driver = driverFor(this, mode, join(dir.path, 'roots'));
    });
    after(() => {
      dir?.cleanup();
      cleanupLauncher();
    });

    it('the agent reads its config; a tool started through $SHELL cannot, nor the agent\'s environment', async () => {
      const branch = join(dir.path, `b-${mode.replace(/\W/g, '')}`);
      const work = join(branch, 'work');
      const state = join(branch, 'state');
      const toolHome = join(branch, 'home');
      for (const p of [work, join(state, 'state'), toolHome]) mkdirSync(p, { recursive: true });
      const config = join(state, 'openclaw.json5');
      writeFileSync(config, `{"apiKey":"${SECRET}"}`);
      const tool = [
        `cat ${config} || echo tool-config-denied`,
        `ls ${join(state, 'state')} >/dev/null 2>&1 || echo tool-state-denied`,
        `grep -c AGENT_CANARY /proc/$PPID/environ 2>/dev/null || echo tool-environ-denied`,
        'echo from-tool > tool.txt && echo tool-workspace-ok',
        'echo h > "$HOME/h" && echo "tool-home=$HOME"',
        'echo t > "$TMPDIR/t" && echo tool-tmp-ok',
      ].join('; ');
      const r = await driver.exec(spec(work, policy()), ['bash', '-c', `cat ${config}; echo; exec "$SHELL" -c '${tool}'`], {
        env: { AGENT_CANARY: SECRET },
        extraReadWrite: [join(state, 'state')],
        extraReadOnly: [config],
        toolSandbox: { hide: [state], readWrite: [], home: toolHome },
      });
      assert.equal(r.exitCode, 0, r.stderr);
      const [agentLine, ...toolOut] = r.stdout.split('\n');
      assert.equal(agentLine, `{"apiKey":"${SECRET}"}`, 'the agent itself reads its config');
      const tools = toolOut.join('\n');
      assert.doesNotMatch(tools, new RegExp(SECRET), 'a tool read the gateway secret');
      assert.match(tools, /tool-config-denied/);
      assert.match(r.stderr, /openclaw\.json5: Permission denied/);
      assert.match(tools, /tool-state-denied/);
      assert.match(tools, /tool-environ-denied/);
      assert.match(tools, /tool-workspace-ok/);
      assert.match(tools, new RegExp(`tool-home=${toolHome}`));
      assert.match(tools, /tool-tmp-ok/);
      assert.equal(readFileSync(join(work, 'tool.txt'), 'utf8'), 'from-tool\n');
    });

    it('the agent itself cannot rewrite or replace what is read-only (its config, its plugin)', async () => {
      const branch = join(dir.path, `ro-${mode.replace(/\W/g, '')}`);
      const work = join(branch, 'work');
      const state = join(branch, 'state');
      const plugin = join(state, 'plugin');
      for (const p of [work, join(state, 'state'), plugin]) mkdirSync(p, { recursive: true });
      writeFileSync(join(plugin, 'index.mjs'), 'export default {}');
      const r = await driver.exec(spec(work, policy()), ['bash', '-c', `echo evil > ${plugin}/index.mjs; rm -f ${plugin}/index.mjs; mv ${plugin} ${state}/gone; echo x > ${state}/state/ok && echo state-ok`], {
        extraReadWrite: [join(state, 'state')],
        extraReadOnly: [plugin],
      });
      assert.match(r.stdout, /state-ok/);
      assert.match(r.stderr, mode === 'landlock+bwrap' ? /Read-only file system|Permission denied/ : /Permission denied/);
      assert.equal(readFileSync(join(plugin, 'index.mjs'), 'utf8'), 'export default {}');
    });

    it('a tool shell without its rules refuses to run (never less confined than planned)', async () => {
      const work = tempDir('bare');
      try {
        const bare = await driver.exec(spec(work.path, policy()), ['bash', '-c', `NEMOCOG_TOOL_SANDBOX= "$SHELL" -c 'echo ran'; echo "status=$?"`], {
          toolSandbox: { hide: [], readWrite: [], home: work.path },
        });
        assert.doesNotMatch(bare.stdout, /^ran$/m);
        assert.match(bare.stdout, /status=126/);
        assert.match(bare.stderr, /refusing to run the command unconfined/);
      } finally {
        work.cleanup();
      }
    });
  });
}
