import * as vscode from 'vscode';
import type { Services } from '../services/services';
import { guarded } from './guard';
import { COMMANDS } from './ids';

export function registerUndoRestore(s: Services): vscode.Disposable {
  return vscode.commands.registerCommand(COMMANDS.undoRestore, guarded(s.output, 'Undo Restore', () => s.restore.undo()));
}
