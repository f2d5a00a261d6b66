/** "Set Phoenix API Key": for a Phoenix with authentication on; kept in SecretStorage, sent only as a Bearer header. */
import * as vscode from 'vscode';
import { validateApiKey } from '../secrets/apiKeyStore';
import type { Services } from '../services/services';
import { COMMANDS } from './ids';

export function registerSetPhoenixApiKey(s: Services): vscode.Disposable {
  return vscode.commands.registerCommand(COMMANDS.setPhoenixApiKey, async () => {
    const key = await vscode.window.showInputBox({
      title: 'NemoCognition: Set Phoenix API Key',
      prompt: `A system or user API key from Phoenix's settings (${s.settings().phoenixEndpoint}). Stored in VS Code's secret storage, sent only to that endpoint as "Authorization: Bearer", scrubbed from every span.`,
      password: true,
      ignoreFocusOut: true,
      validateInput: validateApiKey,
    });
    if (key === undefined) return;
    await s.phoenixKey.set(key.trim());
    s.output.info('Phoenix API key stored in secret storage.');
    void vscode.window.showInformationMessage('Phoenix API key saved in secret storage.');
  });
}
