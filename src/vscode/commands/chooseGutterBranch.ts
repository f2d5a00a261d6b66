/** "Show Gutter Markers for Branch…": picks whose lines get markers (nemocognition.gutter.branch, this workspace). */
import * as vscode from 'vscode';
import { SETTINGS_SECTION } from '../config/settings';
import { LATEST_RESULT } from '../decorations/markerLines';
import type { Services } from '../services/services';
import { guarded } from './guard';
import { COMMANDS } from './ids';

interface Item extends vscode.QuickPickItem {
  value: string;
}

export function registerChooseGutterBranch(s: Services): vscode.Disposable {
  return vscode.commands.registerCommand(
    COMMANDS.chooseGutterBranch,
    guarded(s.output, 'Show Gutter Markers for Branch', async () => {
      const current = s.settings().gutterBranch;
      const runs = (await s.store.query((st) => st.listRuns().sort((a, b) => b.startedAt - a.startedAt).slice(0, 10).map((r) => ({ run: r, branches: st.branchesOf(r.id) })))) ?? [];
      const items: Item[] = [
        { label: 'Most recently restored branch', description: current === '' ? '(current)' : '', detail: 'Default: markers follow what you restored into the workspace.', value: '' },
        { label: "Latest run's result", description: current === LATEST_RESULT ? '(current)' : '', value: LATEST_RESULT },
      ];
      for (const { run, branches } of runs) {
        items.push({ label: run.task.split('\n')[0]!.slice(0, 80), kind: vscode.QuickPickItemKind.Separator, value: '' });
        for (const b of branches) items.push({ label: b.label, description: `${b.status}${current === b.id ? ' (current)' : ''}`, detail: b.sealReason ?? undefined, value: b.id });
      }
      const pick = await vscode.window.showQuickPick(items, { placeHolder: 'Whose lines should get gutter markers?', matchOnDetail: true });
      if (!pick) return;
      await vscode.workspace.getConfiguration(SETTINGS_SECTION).update('gutter.branch', pick.value, vscode.ConfigurationTarget.Workspace);
    }),
  );
}
