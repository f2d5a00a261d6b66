/** "Clear Phoenix API Key". */
import * as vscode from 'vscode';
import type { Services } from '../services/services';
import { COMMANDS } from './ids';

export function registerClearPhoenixApiKey(s: Services): vscode.Disposable {
  return vscode.commands.registerCommand(COMMANDS.clearPhoenixApiKey, async () => {
    await s.phoenixKey.clear();
    s.output.info('Phoenix API key removed from secret storage.');
    void vscode.window.showInformationMessage('Phoenix API key removed.');
  });
}
