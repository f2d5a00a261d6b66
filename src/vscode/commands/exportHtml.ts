/** "Export Replay as HTML": one self-contained file that replays the run in any browser (as `nemocog export-html`). */
import * as fs from 'node:fs';
import * as vscode from 'vscode';
import { buildSharedReplay, loadShareBundle, renderShareHtml } from '../../core/share';
import { exportHandler } from '../export/exportSource';
import type { Services } from '../services/services';
import { COMMANDS } from './ids';

export function registerExportHtml(s: Services): vscode.Disposable {
  const target = { what: 'exported as HTML', ext: 'html', label: 'HTML replay' };
  return vscode.commands.registerCommand(COMMANDS.exportHtml, exportHandler(s, 'Export Replay as HTML', target, async (src, out) => {
    const data = buildSharedReplay({ ...src, generator: `nemocognition ${String(s.context.extension.packageJSON.version ?? '')}` });
    const html = renderShareHtml(data, loadShareBundle());
    fs.writeFileSync(out.fsPath, html);
    s.output.info(`Replay of run ${src.run.id} → ${out.fsPath} (${(Buffer.byteLength(html) / 1024 / 1024).toFixed(1)} MB)`);
    const note = data.note ? ` ${data.note}` : '';
    void vscode.window.showInformationMessage(`Replay exported as one HTML file; it works offline in any browser.${note}`, 'Open in Browser').then((open) => (open ? vscode.env.openExternal(out) : undefined));
  }));
}
