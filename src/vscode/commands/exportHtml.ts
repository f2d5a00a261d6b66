/** "Export Replay as HTML": one self-contained file that replays the run in any browser (as `nemocog export-html`). */
import * as fs from 'node:fs';
import * as vscode from 'vscode';
import { buildSharedReplay, loadShareBundle, renderShareHtml } from '../../core/share';
import { askTarget, exportArgs, exportSource, pickRun } from '../export/exportSource';
import type { Services } from '../services/services';
import { guarded } from './guard';
import { COMMANDS } from './ids';

export function registerExportHtml(s: Services): vscode.Disposable {
  return vscode.commands.registerCommand(
    COMMANDS.exportHtml,
    guarded(s.output, 'Export Replay as HTML', async (arg?: unknown) => {
      const args = exportArgs(arg);
      const runId = await pickRun(s, args.runId, 'exported as HTML');
      if (!runId) return;
      const target = await askTarget(s, runId, 'html', 'HTML replay', args.out);
      if (!target) return;
      const src = await exportSource(s, runId);
      const data = buildSharedReplay({ ...src, generator: `nemocognition ${String(s.context.extension.packageJSON.version ?? '')}` });
      const html = renderShareHtml(data, loadShareBundle());
      fs.writeFileSync(target.fsPath, html);
      s.output.info(`Replay of run ${runId} → ${target.fsPath} (${(Buffer.byteLength(html) / 1024 / 1024).toFixed(1)} MB)`);
      const note = data.note ? ` ${data.note}` : '';
      void vscode.window.showInformationMessage(`Replay exported as one HTML file; it works offline in any browser.${note}`, 'Open in Browser').then((open) => (open ? vscode.env.openExternal(target) : undefined));
    }),
  );
}
