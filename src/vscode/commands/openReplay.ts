import * as vscode from 'vscode';
import type { Services } from '../services/services';
import { COMMANDS, REPLAY_VIEW_ID } from './ids';

export function registerOpenReplay(_s: Services): vscode.Disposable {
  return vscode.commands.registerCommand(COMMANDS.openReplay, () => vscode.commands.executeCommand(`${REPLAY_VIEW_ID}.focus`));
}
