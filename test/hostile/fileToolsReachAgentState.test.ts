/**
 * Issue 13, hole 5 (file tools): OpenClaw's read/write/edit/apply_patch run in
 * the agent's own process, which may read its config (the gateway secret) and
 * write its plugin. The supervisor refuses their paths outside the workspace,
 * following symlinks planted inside it.
 */
import assert from 'node:assert/strict';
import { mkdirSync, mkdtempSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { classifyToolCall, preToolDecision } from '../../src/core/policy';

describe('hole 5: file tools could reach the agent\'s own state', () => {
  let root: string;
  let ws: string;
  let state: string;
  before(() => {
    root = mkdtempSync(join(tmpdir(), 'nc-ft-'));
    ws = join(root, 'work');
    state = join(root, 'state');
    mkdirSync(ws);
    mkdirSync(join(state, 'plugin'), { recursive: true });
    writeFileSync(join(state, 'openclaw.json5'), '{"apiKey":"ncgw-x"}');
    symlinkSync('../state/openclaw.json5', join(ws, 'innocent.txt'));
    symlinkSync('../state', join(ws, 'dir'));
  });
  after(() => rmSync(root, { recursive: true, force: true }));

  const decide = (toolName: string, params: Record<string, unknown>) => {
    const policy = { workspace: ws, fileToolsInsideWorkspace: true, readWrite: [ws], enforceFilesystem: false };
    return preToolDecision(classifyToolCall({ toolName, params, workspace: ws, policy }), policy);
  };

  it('refuses read and write of the agent\'s config and plugin by absolute path', () => {
    for (const [tool, params] of [
      ['read', { path: join(state, 'openclaw.json5') }],
      ['write', { path: join(state, 'plugin', 'index.mjs'), content: 'x' }],
      ['edit', { path: join(state, 'openclaw.json5'), oldText: 'a', newText: 'b' }],
    ] as const) {
      const d = decide(tool, params);
      assert.equal(d.allow, false, tool);
      assert.equal(d.rule, 'fs.file_tool_outside_workspace');
    }
  });

  it('follows symlinks planted in the workspace (a file, and a folder on the way)', () => {
    const viaFile = decide('read', { path: 'innocent.txt' });
    assert.equal(viaFile.allow, false);
    assert.match(viaFile.reason!, /resolves to .*state\/openclaw\.json5/);
    assert.equal(decide('write', { path: 'dir/plugin/index.mjs', content: 'x' }).allow, false);
  });

  it('allows the workspace, new files included, and leaves shell commands to the kernel', () => {
    assert.equal(decide('write', { path: 'src/new/file.ts', content: 'x' }).allow, true);
    assert.equal(decide('read', { path: 'README.md' }).allow, true);
    assert.equal(decide('exec', { command: `cat ${join(state, 'openclaw.json5')}` }).allow, true);
  });
});
