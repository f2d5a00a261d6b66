/** Internal: from a gutter hover link, `command:nemocognition.revealStep?[{"runId":…,"nodeId":…}]`. Arguments are validated: a hover is a link anyone could have crafted. */
import * as vscode from 'vscode';
import { isId, isObj } from '../../protocol/check';
import type { Services } from '../services/services';
import { COMMANDS } from './ids';

export function registerRevealStep(s: Services): vscode.Disposable {
  return vscode.commands.registerCommand(COMMANDS.revealStep, async (arg?: unknown) => {
    if (!isObj(arg) || !isId(arg.runId) || !isId(arg.nodeId)) {
      s.output.warn('revealStep: ignored a call without a valid {runId, nodeId}.');
      return;
    }
    await s.replay.reveal(arg.runId, arg.nodeId);
  });
}
