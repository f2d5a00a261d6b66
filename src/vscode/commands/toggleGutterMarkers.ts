import * as vscode from 'vscode';
import { SETTINGS_SECTION } from '../config/settings';
import type { Services } from '../services/services';
import { COMMANDS } from './ids';

export function registerToggleGutterMarkers(s: Services): vscode.Disposable {
  return vscode.commands.registerCommand(COMMANDS.toggleGutterMarkers, async () => {
    const cfg = vscode.workspace.getConfiguration(SETTINGS_SECTION);
    const info = cfg.inspect<boolean>('gutter.enabled');
    // Write where the effective value comes from, so the toggle actually toggles.
    const target =
      info?.workspaceFolderValue !== undefined
        ? vscode.ConfigurationTarget.WorkspaceFolder
        : info?.workspaceValue !== undefined
          ? vscode.ConfigurationTarget.Workspace
          : vscode.ConfigurationTarget.Global;
    await cfg.update('gutter.enabled', !s.settings().gutterEnabled, target);
  });
}
