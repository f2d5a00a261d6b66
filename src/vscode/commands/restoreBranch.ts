/** "Restore Branch Result": the last snapshot of a branch (default: the latest run's last completed branch). */
import * as vscode from 'vscode';
import { isId } from '../../protocol/check';
import type { Services } from '../services/services';
import { guarded } from './guard';
import { COMMANDS } from './ids';

export function registerRestoreBranch(s: Services): vscode.Disposable {
  return vscode.commands.registerCommand(
    COMMANDS.restoreBranch,
    guarded(s.output, 'Restore Branch', async (arg?: unknown) => {
      const branchId = isId(arg) ? arg : await pickBranch(s);
      if (branchId) await s.restore.restoreBranch(branchId);
    }),
  );
}

async function pickBranch(s: Services): Promise<string | undefined> {
  const branches = await s.store.query((st) => {
    const run = st.listRuns().sort((a, b) => b.startedAt - a.startedAt)[0];
    return run ? st.branchesOf(run.id) : [];
  });
  if (!branches || branches.length === 0) {
    void vscode.window.showInformationMessage('There are no recorded runs in this workspace yet. Run "NemoCognition: Run Supervised Agent" first.');
    return undefined;
  }
  const items = branches
    .sort((a, b) => Number(b.status === 'completed') - Number(a.status === 'completed') || b.openedAt - a.openedAt)
    .map((b) => ({ label: b.label, description: b.status, detail: b.sealReason ?? undefined, branchId: b.id }));
  const pick = await vscode.window.showQuickPick(items, { placeHolder: 'Which branch result should be restored into the workspace?' });
  return pick?.branchId;
}
