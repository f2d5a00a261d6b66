/** "Retry Phoenix Mirror Now": skips the backoff wait (or restarts a mirror that stopped). */
import * as vscode from 'vscode';
import type { Services } from '../services/services';
import { COMMANDS } from './ids';

export function registerRetryPhoenixMirror(s: Services): vscode.Disposable {
  return vscode.commands.registerCommand(COMMANDS.retryPhoenixMirror, async () => {
    if (!s.settings().phoenixEnabled) {
      const choice = await vscode.window.showInformationMessage('The Phoenix mirror is off.', 'Turn On');
      if (choice) await vscode.commands.executeCommand(COMMANDS.togglePhoenixMirror, true);
      return;
    }
    s.output.info('Phoenix mirror: retrying now.');
    s.mirror.retryNow();
  });
}
