/** Integration checks in a real VS Code (see runTest.ts); not run by plain mocha. */
import assert from 'node:assert/strict';
import * as vscode from 'vscode';

const pkg = require('../../../package.json') as { publisher: string; name: string; contributes: { commands: Array<{ command: string }> } };
const extId = `${pkg.publisher}.${pkg.name}`;

describe('NemoCognition in VS Code', () => {
  before(async () => {
    const ext = vscode.extensions.getExtension(extId);
    assert.ok(ext, `${extId} is installed in the development host`);
    await vscode.commands.executeCommand('nemocognition.showOutput');
    assert.ok(ext.isActive, 'a command activates the extension');
  });

  it('registers every contributed command', async () => {
    const all = new Set(await vscode.commands.getCommands(true));
    for (const c of pkg.contributes.commands) assert.ok(all.has(c.command), c.command);
  });

  it('opens the Replay view', async () => {
    await vscode.commands.executeCommand('nemocognition.openReplay');
  });

  it('toggles the gutter markers setting', async () => {
    const cfg = () => vscode.workspace.getConfiguration('nemocognition');
    const before = cfg().get<boolean>('gutter.enabled');
    await vscode.commands.executeCommand('nemocognition.toggleGutterMarkers');
    assert.equal(cfg().get<boolean>('gutter.enabled'), !before);
    await vscode.commands.executeCommand('nemocognition.toggleGutterMarkers');
    assert.equal(cfg().get<boolean>('gutter.enabled'), before);
  });

  it('refuses a snapshot URI without a snapshot id', async () => {
    await assert.rejects(Promise.resolve(vscode.workspace.openTextDocument(vscode.Uri.parse('nemocog-snapshot:/hello.txt'))));
  });

  it('ignores revealStep calls with forged arguments', async () => {
    await vscode.commands.executeCommand('nemocognition.revealStep', { runId: '../x y', nodeId: '<b>' });
  });
});
