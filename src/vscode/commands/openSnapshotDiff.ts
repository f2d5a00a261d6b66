/**
 * "Compare Snapshot with Workspace". Called with {nodeId, path?} from the
 * Replay view, with a file URI from the editor title (compares that file), or
 * bare from the palette (picks a step).
 */
import * as vscode from 'vscode';
import { isId, isObj, isRelPath } from '../../protocol/check';
import { openSnapshotDiff } from '../diff/openSnapshotDiff';
import { pickNodeWithSnapshot } from '../pickers/pickNode';
import type { Services } from '../services/services';
import { relativeInWorkspace } from '../services/workspacePaths';
import { guarded } from './guard';
import { COMMANDS } from './ids';

export function registerOpenSnapshotDiff(s: Services): vscode.Disposable {
  return vscode.commands.registerCommand(
    COMMANDS.openSnapshotDiff,
    guarded(s.output, 'Compare Snapshot', async (arg?: unknown) => {
      let nodeId: string | undefined;
      let path: string | undefined;
      if (isObj(arg) && isId(arg.nodeId)) {
        nodeId = arg.nodeId;
        path = isRelPath(arg.path) ? arg.path : undefined;
      } else if (arg instanceof vscode.Uri) {
        const paths = s.paths();
        path = paths && arg.scheme === 'file' ? relativeInWorkspace(paths, arg.fsPath) : undefined;
      }
      nodeId ??= await pickNodeWithSnapshot(s, 'Compare the workspace with the snapshot of which step?');
      if (nodeId) await openSnapshotDiff(s, nodeId, path);
    }),
  );
}
