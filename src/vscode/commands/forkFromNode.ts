/**
 * "Fork from Here": from the Replay view ({nodeId, instruction}), or from the
 * palette (the view's selected step, else a pick; then the instruction is
 * asked for). Starts the fork as a live run: the new branch streams into its
 * own lane.
 */
import * as vscode from 'vscode';
import { isId, isObj, isStr } from '../../protocol/check';
import { MAX_INSTRUCTION } from '../../protocol/replay';
import { pickNodeWithSnapshot } from '../pickers/pickNode';
import { lookupRunOfNode } from '../services/runLookup';
import type { Services } from '../services/services';
import { guarded } from './guard';
import { COMMANDS } from './ids';

export function registerForkFromNode(s: Services): vscode.Disposable {
  return vscode.commands.registerCommand(
    COMMANDS.forkFromNode,
    guarded(s.output, 'Fork from Here', async (arg?: unknown) => {
      const nodeId = isObj(arg) && isId(arg.nodeId) ? arg.nodeId : await pickNodeWithSnapshot(s, 'Fork from which step?');
      if (!nodeId) return;
      const found = await lookupRunOfNode(s.store, s.runs, nodeId);
      if (!found) throw new Error(`Step ${nodeId} is not in this workspace's store. Reopen the Replay view and pick the step again.`);
      if (found.detail.run.status === 'running') {
        throw new Error('This run is still going. Fork from its steps once it has ended (or cancel it first).');
      }
      const branch = found.detail.branches.find((b) => b.id === found.node.branchId);
      const given = isObj(arg) && isStr(arg.instruction, MAX_INSTRUCTION) && arg.instruction.trim() ? arg.instruction.trim() : undefined;
      const instruction =
        given ??
        (await vscode.window.showInputBox({
          title: `NemoCognition: Fork from ${branch?.label ?? 'branch'} step ${found.node.seq + 1}`,
          prompt: `A new branch starts from the files as they were right after "${found.node.name.slice(0, 80)}". The agent gets the original task, what the branch did up to here, and your instruction.`,
          placeHolder: 'e.g. Write the note inside the workspace instead of /etc',
          ignoreFocusOut: true,
          validateInput: (v) => (v.trim() ? (v.length > MAX_INSTRUCTION ? `Keep it under ${MAX_INSTRUCTION} characters.` : undefined) : 'Say what the agent should do from this step.'),
        }));
      if (!instruction?.trim()) return;
      // Not awaited: the fork goes on under its progress notification, live in the Replay view.
      void s.runs.fork(nodeId, instruction.trim(), found.detail);
    }),
  );
}
