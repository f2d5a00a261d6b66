/** "Export Storyboard": the run's typed Storyboard JSON (the same as `nemocog storyboard`). */
import * as fs from 'node:fs';
import * as vscode from 'vscode';
import { buildStoryboard } from '../../core/storyboard';
import { exportHandler } from '../export/exportSource';
import type { Services } from '../services/services';
import { COMMANDS } from './ids';

export function registerExportStoryboard(s: Services): vscode.Disposable {
  const target = { what: 'exported as a storyboard', ext: 'storyboard.json', label: 'Storyboard JSON' };
  return vscode.commands.registerCommand(COMMANDS.exportStoryboard, exportHandler(s, 'Export Storyboard', target, async (src, out) => {
    const sb = buildStoryboard({ ...src, generatorVersion: String(s.context.extension.packageJSON.version ?? '') });
    fs.writeFileSync(out.fsPath, `${JSON.stringify(sb, null, 2)}\n`);
    s.output.info(`Storyboard of run ${src.run.id}: ${sb.scenes.length} scenes → ${out.fsPath}`);
    // Not awaited: the command is done when the file is written, whatever happens to the toast.
    void vscode.window.showInformationMessage(`Storyboard exported: ${sb.scenes.length} scenes, ${sb.summary.climaxes} climaxes.`, 'Open').then((open) => (open ? vscode.window.showTextDocument(out) : undefined));
  }));
}
