import * as vscode from 'vscode';
import type { Services } from '../services/services';
import { COMMANDS } from './ids';

export function registerShowOutput(s: Services): vscode.Disposable {
  return vscode.commands.registerCommand(COMMANDS.showOutput, () => s.output.show(true));
}
