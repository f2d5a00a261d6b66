import * as vscode from 'vscode';
import type { Services } from '../services/services';
import { COMMANDS } from './ids';

export function registerCancelRun(s: Services): vscode.Disposable {
  return vscode.commands.registerCommand(COMMANDS.cancelRun, () => {
    if (!s.runs.cancel()) void vscode.window.showInformationMessage('No NemoCognition run is going.');
  });
}
