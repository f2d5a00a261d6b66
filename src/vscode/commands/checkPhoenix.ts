/** "Check Phoenix Connection": the endpoint answers as Phoenix, accepts OTLP/protobuf and the key (checkPhoenix). */
import * as vscode from 'vscode';
import { checkPhoenix } from '../../core/mirror/check';
import type { Services } from '../services/services';
import { COMMANDS } from './ids';

export function registerCheckPhoenix(s: Services): vscode.Disposable {
  return vscode.commands.registerCommand(COMMANDS.checkPhoenix, async () => {
    const endpoint = s.settings().phoenixEndpoint;
    const apiKey = await s.phoenixKey.get();
    const r = await vscode.window.withProgress({ location: vscode.ProgressLocation.Notification, title: `Checking Phoenix at ${endpoint}…` }, () =>
      checkPhoenix(endpoint, apiKey ? { apiKey } : {}),
    );
    if (r.ok) {
      s.output.info(`Phoenix ${r.version ?? '?'} at ${r.endpoint}: reachable, accepts OTLP/protobuf.`);
      const actions = s.settings().phoenixEnabled ? [] : ['Turn On Mirror'];
      const choice = await vscode.window.showInformationMessage(`Phoenix ${r.version ?? ''} at ${r.endpoint} is reachable and accepts spans${r.authenticated ? ' with your API key' : ''}.`, ...actions);
      if (choice) await vscode.commands.executeCommand(COMMANDS.togglePhoenixMirror, true);
      return;
    }
    s.output.warn(`Phoenix check: ${r.reason}`);
    const choice = await vscode.window.showErrorMessage(`${r.reason}. ${r.fix}`, 'Open Settings', 'Set Phoenix API Key');
    if (choice === 'Open Settings') await vscode.commands.executeCommand('workbench.action.openSettings', 'nemocognition.phoenix');
    else if (choice) await vscode.commands.executeCommand(COMMANDS.setPhoenixApiKey);
  });
}
