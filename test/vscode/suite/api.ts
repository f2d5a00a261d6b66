/** The extension under test, activated, with the services it created (returned only in ExtensionMode.Test). */
import assert from 'node:assert/strict';
import * as vscode from 'vscode';
import type { NemoCognitionTestApi } from '../../../src/extension';

const pkg = require('../../../package.json') as { publisher: string; name: string };
export const EXTENSION_ID = `${pkg.publisher}.${pkg.name}`;

export async function nemoCognition(): Promise<NemoCognitionTestApi> {
  const ext = vscode.extensions.getExtension<NemoCognitionTestApi | undefined>(EXTENSION_ID);
  assert.ok(ext, `${EXTENSION_ID} is loaded from the development path`);
  const api = await ext.activate();
  assert.ok(api?.services, 'activate() returns the test API when VS Code runs the extension tests');
  return api;
}

export function workspaceRoot(): string {
  const folder = vscode.workspace.workspaceFolders?.[0];
  assert.ok(folder, 'the workbench opened a workspace folder (?folder=)');
  return folder.uri.fsPath;
}

export async function waitFor<T>(what: string, probe: () => T | undefined | Promise<T | undefined>, timeoutMs = 15_000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const v = await probe();
    if (v !== undefined && v !== false) return v;
    if (Date.now() > deadline) throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 100));
  }
}
