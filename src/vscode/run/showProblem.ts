/** Shows a Problem as an error notification whose buttons do the fix. */
import * as vscode from 'vscode';
import { COMMANDS } from '../commands/ids';
import type { Problem, ProblemAction } from './problems';

export async function showProblem(p: Problem): Promise<void> {
  const choice = await vscode.window.showErrorMessage(`${p.message} ${p.fix}`, ...p.actions);
  if (choice) await runProblemAction(choice);
}

export async function runProblemAction(a: ProblemAction): Promise<void> {
  switch (a) {
    case 'Open Settings':
      await vscode.commands.executeCommand('workbench.action.openSettings', '@ext:nemocognition.nemocognition');
      return;
    case 'Show Output':
      await vscode.commands.executeCommand(COMMANDS.showOutput);
      return;
    case 'Set API Key':
      await vscode.commands.executeCommand(COMMANDS.setApiKey);
      return;
    case 'Use Demo Model':
      await vscode.workspace.getConfiguration('nemocognition').update('model.preset', 'demo', vscode.ConfigurationTarget.Global);
      void vscode.window.showInformationMessage('NemoCognition now uses the offline demo model. Run "NemoCognition: Run Supervised Agent" to try it.');
      return;
    case 'Open Replay':
      await vscode.commands.executeCommand(COMMANDS.openReplay);
      return;
    case 'Install Agent Runtime':
      await vscode.commands.executeCommand(COMMANDS.installAgentRuntime);
      return;
    case 'Open Runtime Setting':
      // The one setting that matters here, not the whole list.
      await vscode.commands.executeCommand('workbench.action.openSettings', 'nemocognition.agent.runtimeDir');
      return;
    case 'Manage Workspace Trust':
      await vscode.commands.executeCommand('workbench.trust.manage');
      return;
  }
}
