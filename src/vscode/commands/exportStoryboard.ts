/** "Export Storyboard": the run's typed Storyboard JSON (the same as `nemocog storyboard`). */
import * as fs from 'node:fs';
import * as vscode from 'vscode';
import { buildStoryboard } from '../../core/storyboard';
import { askTarget, exportSource, pickRun } from '../export/exportSource';
import type { Services } from '../services/services';
import { guarded } from './guard';
import { COMMANDS } from './ids';

export function registerExportStoryboard(s: Services): vscode.Disposable {
  return vscode.commands.registerCommand(
    COMMANDS.exportStoryboard,
    guarded(s.output, 'Export Storyboard', async (arg?: unknown) => {
      const runId = await pickRun(s, arg, 'exported as a storyboard');
      if (!runId) return;
      const target = await askTarget(s, runId, 'storyboard.json', 'Storyboard JSON');
      if (!target) return;
      const src = await exportSource(s, runId);
      const sb = buildStoryboard({ ...src, generatorVersion: String(s.context.extension.packageJSON.version ?? '') });
      fs.writeFileSync(target.fsPath, `${JSON.stringify(sb, null, 2)}\n`);
      s.output.info(`Storyboard of run ${runId}: ${sb.scenes.length} scenes → ${target.fsPath}`);
      const open = await vscode.window.showInformationMessage(`Storyboard exported: ${sb.scenes.length} scenes, ${sb.summary.climaxes} climaxes.`, 'Open');
      if (open) await vscode.window.showTextDocument(target);
    }),
  );
}
