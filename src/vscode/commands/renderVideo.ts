/** "Render Run as MP4": the run's storyboard as a video, with a cancellable progress notification (as `nemocog render`). */
import * as vscode from 'vscode';
import { buildStoryboard } from '../../core/storyboard';
import { checkFps, parseSize, renderVideo } from '../../core/video';
import { exportHandler } from '../export/exportSource';
import type { Services } from '../services/services';
import { COMMANDS } from './ids';

const SIZE = '1280x720';
const FPS = 30;

export function registerRenderVideo(s: Services): vscode.Disposable {
  const target = { what: 'rendered as a video', ext: 'mp4', label: 'MP4 video' };
  return vscode.commands.registerCommand(COMMANDS.renderVideo, exportHandler(s, 'Render Run as MP4', target, async (src, out, args) => {
    const size = parseSize(args.size ?? SIZE);
    const fps = checkFps(args.fps ?? FPS);
    const storyboard = buildStoryboard({ ...src, generatorVersion: String(s.context.extension.packageJSON.version ?? '') });
    const result = await vscode.window.withProgress(
      { location: vscode.ProgressLocation.Notification, title: 'NemoCognition: rendering the run as MP4', cancellable: true },
      async (progress, token) => {
        const controller = new AbortController();
        const sub = token.onCancellationRequested(() => controller.abort());
        let shown = 0;
        try {
          return await renderVideo({
            storyboard,
            out: out.fsPath,
            ...size,
            fps,
            signal: controller.signal,
            onProgress: (p) => {
              const pct = p.frames ? Math.floor((100 * p.frame) / p.frames) : 0;
              if (pct > shown || p.phase !== 'drawing') {
                progress.report({ increment: pct - shown, message: p.phase === 'starting' ? 'starting Chromium and ffmpeg…' : p.phase === 'finishing' ? 'encoding the last frames…' : `${p.frame}/${p.frames} frames` });
                shown = pct;
              }
            },
          }).catch((e: Error) => {
            if (e.name === 'AbortError') return null;
            throw e;
          });
        } finally {
          sub.dispose();
        }
      },
    );
    if (!result) {
      void vscode.window.showInformationMessage('Rendering cancelled; no video was written.');
      return;
    }
    s.output.info(`Video of run ${src.run.id}: ${result.videoSeconds.toFixed(1)} s rendered in ${result.renderSeconds.toFixed(1)} s → ${result.out}`);
    void vscode.window.showInformationMessage(`Video rendered: ${result.videoSeconds.toFixed(0)} s, ${storyboard.scenes.length} scenes.`, 'Open', 'Reveal in File Explorer').then((open) =>
      open === 'Open' ? vscode.env.openExternal(out) : open ? vscode.commands.executeCommand('revealFileInOS', out) : undefined,
    );
  }));
}
