/** "Restore Node into Workspace": from the Replay view (node id), else the view's selection, else a pick. */
import * as vscode from 'vscode';
import { isId } from '../../protocol/check';
import { pickNodeWithSnapshot } from '../pickers/pickNode';
import type { Services } from '../services/services';
import { guarded } from './guard';
import { COMMANDS } from './ids';

export function registerRestoreNode(s: Services): vscode.Disposable {
  return vscode.commands.registerCommand(
    COMMANDS.restoreNode,
    guarded(s.output, 'Restore Node', async (arg?: unknown) => {
      const nodeId = isId(arg) ? arg : await pickNodeWithSnapshot(s, 'Which step should be restored into the workspace?');
      if (nodeId) await s.restore.restoreNode(nodeId);
    }),
  );
}
