import * as vscode from 'vscode';
import type { Services } from '../services/services';
import { COMMANDS } from './ids';

export function registerClearApiKey(s: Services): vscode.Disposable {
  return vscode.commands.registerCommand(COMMANDS.clearApiKey, async () => {
    const ok = await vscode.window.showWarningMessage('Remove the NemoCognition model API key from secret storage?', { modal: true }, 'Remove Key');
    if (ok !== 'Remove Key') return;
    await s.apiKey.clear();
    s.output.info('Model API key removed from secret storage.');
  });
}
