/** "Set API Key": a password box into SecretStorage. The key is never echoed, logged or put in settings. */
import * as vscode from 'vscode';
import { validateApiKey } from '../secrets/apiKeyStore';
import type { Services } from '../services/services';
import { COMMANDS } from './ids';

export function registerSetApiKey(s: Services): vscode.Disposable {
  return vscode.commands.registerCommand(COMMANDS.setApiKey, async () => {
    const settings = s.settings();
    const where = settings.modelPreset === 'nim-nemotron' ? 'NVIDIA NIM (nvapi-…, from build.nvidia.com)' : settings.modelEndpoint;
    const key = await vscode.window.showInputBox({
      title: 'NemoCognition: Set API Key',
      prompt: `API key for ${where}. Stored in VS Code's secret storage; never written to settings, never sent into the sandbox, scrubbed from recordings.`,
      password: true,
      ignoreFocusOut: true,
      validateInput: validateApiKey,
    });
    if (key === undefined) return;
    await s.apiKey.set(key.trim());
    s.output.info('Model API key stored in secret storage.');
    if (settings.modelPreset === 'demo') {
      void vscode.window.showInformationMessage('API key saved. Note: the model preset is "demo", which does not use it; switch the preset to use your endpoint.');
    } else {
      void vscode.window.showInformationMessage('NemoCognition API key saved in secret storage.');
    }
  });
}
