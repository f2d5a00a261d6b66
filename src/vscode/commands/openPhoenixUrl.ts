/** Opens a Phoenix URL in the browser, saying first when the mirror is off (the run may not be there). */
import * as vscode from 'vscode';
import type { Services } from '../services/services';
import { COMMANDS } from './ids';

export async function openPhoenixUrl(s: Services, url: string): Promise<void> {
  if (!s.settings().phoenixEnabled) {
    const choice = await vscode.window.showWarningMessage(
      'The Phoenix mirror is off, so Phoenix may not have this run. Turn it on to send every run of this workspace (earlier ones too).',
      'Turn On and Open',
      'Open Anyway',
    );
    if (!choice) return;
    if (choice === 'Turn On and Open') await vscode.commands.executeCommand(COMMANDS.togglePhoenixMirror, true);
  }
  s.output.info(`Opening ${url}`);
  await vscode.env.openExternal(vscode.Uri.parse(url, true));
}
