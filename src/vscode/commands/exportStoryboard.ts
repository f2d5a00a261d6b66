/** "Export Storyboard": the run's typed Storyboard JSON (the same as `nemocog storyboard`). */
import * as fs from 'node:fs';
import * as vscode from 'vscode';
import { buildStoryboard } from '../../core/storyboard';
import { askTarget, exportArgs, exportSource, pickRun } from '../export/exportSource';
import type { Services } from '../services/services';
import { guarded } from './guard';
import { COMMANDS } from './ids';

export function registerExportStoryboard(s: Services): vscode.Disposable {
  return vscode.commands.registerCommand(
    COMMANDS.exportStoryboard,
    guarded(s.output, 'Export Storyboard', async (arg?: unknown) => {
      const args = exportArgs(arg);
      const runId = await pickRun(s, args.runId, 'exported as a storyboard');
      if (!runId) return;
      const target = await askTarget(s, runId, 'storyboard.json', 'Storyboard JSON', args.out);
      if (!target) return;
      const src = await exportSource(s, runId);
      const sb = buildStoryboard({ ...src, generatorVersion: String(s.context.extension.packageJSON.version ?? '') });
      fs.writeFileSync(target.fsPath, `${JSON.stringify(sb, null, 2)}\n`);
      s.output.info(`Storyboard of run ${runId}: ${sb.scenes.length} scenes → ${target.fsPath}`);
      // Not awaited: the command is done when the file is written, whatever happens to the toast.
      void vscode.window.showInformationMessage(`Storyboard exported: ${sb.scenes.length} scenes, ${sb.summary.climaxes} climaxes.`, 'Open').then((open) => (open ? vscode.window.showTextDocument(target) : undefined));
    }),
  );
}
