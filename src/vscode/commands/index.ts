/** Registers every command (one file each). */
import type * as vscode from 'vscode';
import type { Services } from '../services/services';
import { registerCancelRun } from './cancelRun';
import { registerCheckSetup } from './checkSetup';
import { registerChooseGutterBranch } from './chooseGutterBranch';
import { registerClearApiKey } from './clearApiKey';
import { registerForkFromNode } from './forkFromNode';
import { registerExportHtml } from './exportHtml';
import { registerExportStoryboard } from './exportStoryboard';
import { registerInstallAgentRuntime } from './installAgentRuntime';
import { registerOpenReplay } from './openReplay';
import { registerOpenSnapshotDiff } from './openSnapshotDiff';
import { registerRenderVideo } from './renderVideo';
import { registerRestoreBranch } from './restoreBranch';
import { registerRestoreNode } from './restoreNode';
import { registerRevealStep } from './revealStep';
import { registerRunSupervisedAgent } from './runSupervisedAgent';
import { registerSetApiKey } from './setApiKey';
import { registerShowOutput } from './showOutput';
import { registerToggleGutterMarkers } from './toggleGutterMarkers';
import { registerUndoRestore } from './undoRestore';
import { registerCheckPhoenix } from './checkPhoenix';
import { registerClearPhoenixApiKey } from './clearPhoenixApiKey';
import { registerOpenInPhoenix } from './openInPhoenix';
import { registerOpenRunInPhoenix } from './openRunInPhoenix';
import { registerPhoenixMirrorMenu } from './phoenixMirrorMenu';
import { registerRetryPhoenixMirror } from './retryPhoenixMirror';
import { registerSetPhoenixApiKey } from './setPhoenixApiKey';
import { registerTogglePhoenixMirror } from './togglePhoenixMirror';

export function registerCommands(s: Services): vscode.Disposable[] {
  return [
    registerRunSupervisedAgent(s),
    registerCancelRun(s),
    registerOpenReplay(s),
    registerRestoreNode(s),
    registerRestoreBranch(s),
    registerUndoRestore(s),
    registerOpenSnapshotDiff(s),
    registerToggleGutterMarkers(s),
    registerSetApiKey(s),
    registerClearApiKey(s),
    registerShowOutput(s),
    registerRevealStep(s),
    registerInstallAgentRuntime(s),
    registerCheckSetup(s),
    registerForkFromNode(s),
    registerExportStoryboard(s),
    registerRenderVideo(s),
    registerExportHtml(s),
    registerPhoenixMirrorMenu(s),
    registerRetryPhoenixMirror(s),
    registerOpenRunInPhoenix(s),
    registerOpenInPhoenix(s),
    registerTogglePhoenixMirror(s),
    registerSetPhoenixApiKey(s),
    registerClearPhoenixApiKey(s),
    registerCheckPhoenix(s),
    registerChooseGutterBranch(s),
  ];
}
