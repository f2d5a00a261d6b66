import { writeFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { buildSharedReplay, loadShareBundle, renderShareHtml } from '../../core/share';
import { openRecordedRun } from '../../core/storyboard';
import { CliError } from '../errors';
import { parseCommandArgs } from '../args';
import { exportScrubber, NEMOCOG_VERSION, workspaceArg } from '../exportArgs';

export const EXPORT_HTML_USAGE = `  nemocog export-html <workspace> [--run <id>] --out run.html [--max-file-mb 8]
  The run as one self-contained HTML replay that opens offline in any browser.`;

/** `nemocog export-html <workspace> [--run <id>] --out run.html [--max-file-mb 8]`: the run as one self-contained HTML replay. */
export async function exportHtmlCommand(argv: string[]): Promise<number> {
  const { values, positionals } = parseCommandArgs(argv, { run: { type: 'string' }, out: { type: 'string' }, 'max-file-mb': { type: 'string', default: '8' } }, EXPORT_HTML_USAGE, true);
  if (!values.out) throw new CliError('No output file given.', 'Pass --out run.html.');
  const maxMb = Number(values['max-file-mb']);
  if (!Number.isFinite(maxMb) || maxMb < 0 || maxMb > 1024) throw new CliError(`--max-file-mb must be a number of megabytes from 0 to 1024, not "${values['max-file-mb']}".`, 'For example --max-file-mb 8.');
  const workspace = workspaceArg(positionals, 'export-html');
  const bundle = loadShareBundle();
  const rec = await openRecordedRun(workspace, { runId: values.run });
  const scrubber = exportScrubber();
  try {
    const data = buildSharedReplay({ ...rec, snapshots: rec.snapshots ?? undefined, scrub: (t) => scrubber.scrub(t), maxContentBytes: Math.round(maxMb * 1024 * 1024), generator: `nemocognition ${NEMOCOG_VERSION}` });
    const html = renderShareHtml(data, bundle);
    const out = resolve(values.out);
    writeFileSync(out, html);
    console.error(`Replay of run ${rec.run.id} → ${out} (${(Buffer.byteLength(html) / 1024 / 1024).toFixed(1)} MB, ${rec.nodes.length} steps${data.note ? '; some file contents left out, see the note at its top' : ''}). Open it in any browser; it loads nothing from the network.`);
  } finally {
    await rec.close();
  }
  return 0;
}
