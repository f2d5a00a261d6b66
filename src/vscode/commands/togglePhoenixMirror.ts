/** "Turn Phoenix Mirror On/Off" (user settings: a workspace cannot set it). Argument: true/false to force. */
import * as vscode from 'vscode';
import { SETTINGS_SECTION } from '../config/settings';
import type { Services } from '../services/services';
import { COMMANDS } from './ids';

export function registerTogglePhoenixMirror(s: Services): vscode.Disposable {
  return vscode.commands.registerCommand(COMMANDS.togglePhoenixMirror, async (force?: unknown) => {
    const on = typeof force === 'boolean' ? force : !s.settings().phoenixEnabled;
    await vscode.workspace.getConfiguration(SETTINGS_SECTION).update('phoenix.enabled', on, vscode.ConfigurationTarget.Global);
    const { phoenixEndpoint, phoenixProject } = s.settings();
    void vscode.window.showInformationMessage(
      on
        ? `Phoenix mirror on: every run of this workspace goes to ${phoenixEndpoint} (project ${phoenixProject}), earlier runs included.`
        : 'Phoenix mirror off. Runs stay in the workspace store; turning it on again sends what it missed.',
    );
  });
}
