/**
 * Issue 13, hole 6 (the CLI half): `nemocog run --driver none` ran the agent
 * without any sandbox on a single flag, while the editor asks in a modal. Now
 * it needs `--unsandboxed` to confirm and prints a warning; the other weaker
 * choice, `--allow-landlock-only`, is warned about too.
 */
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { confirmSandboxChoice } from '../../src/cli/commands/run';
import { CliError } from '../../src/cli/errors';

describe('hole 6: `nemocog run --driver none` needed no confirmation', () => {
  it('refuses --driver none without --unsandboxed, saying what it means and what to do', () => {
    assert.throws(
      () => confirmSandboxChoice('none', { unsandboxed: false, landlockOnly: false }),
      (e: unknown) => e instanceof CliError && /WITHOUT a sandbox/.test(e.message) && /--unsandboxed/.test(e.fix) && /--driver local/.test(e.fix),
    );
  });

  it('with --unsandboxed it proceeds, with a warning; --allow-landlock-only warns too; local says nothing', () => {
    const said: string[] = [];
    confirmSandboxChoice('none', { unsandboxed: true, landlockOnly: false }, (t) => said.push(t));
    assert.match(said.join('\n'), /WARNING: UNSANDBOXED run/);
    said.length = 0;
    confirmSandboxChoice('local', { unsandboxed: false, landlockOnly: true }, (t) => said.push(t));
    assert.match(said.join('\n'), /WARNING: --allow-landlock-only/);
    said.length = 0;
    confirmSandboxChoice('local', { unsandboxed: false, landlockOnly: false }, (t) => said.push(t));
    assert.deepEqual(said, []);
  });

  it('the built CLI exits before touching the workspace', function () {
    const cli = join(__dirname, '..', '..', 'dist', 'cli.js');
    const ws = mkdtempSync(join(tmpdir(), 'nc-none-'));
    try {
      const r = spawnSync(process.execPath, [cli, 'run', '--task', 'x', '--workspace', ws, '--driver', 'none'], { encoding: 'utf8', timeout: 30_000 });
      assert.notEqual(r.status, 0);
      assert.match(r.stderr, /WITHOUT a sandbox[\s\S]*--unsandboxed/);
      assert.deepEqual(readdirSync(ws), [], 'nothing was created in the workspace');
    } finally {
      rmSync(ws, { recursive: true, force: true });
    }
  });
});
