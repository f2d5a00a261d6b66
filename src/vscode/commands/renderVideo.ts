/** "Render Run as MP4": the run's storyboard as a video, with a cancellable progress notification (as `nemocog render`). */
import * as vscode from 'vscode';
import { buildStoryboard } from '../../core/storyboard';
import { checkFps, parseSize, renderVideo } from '../../core/video';
import { askTarget, exportArgs, exportSource, pickRun } from '../export/exportSource';
import type { Services } from '../services/services';
import { guarded } from './guard';
import { COMMANDS } from './ids';

const SIZE = '1280x720';
const FPS = 30;

export function registerRenderVideo(s: Services): vscode.Disposable {
  return vscode.commands.registerCommand(
    COMMANDS.renderVideo,
    guarded(s.output, 'Render Run as MP4', async (arg?: unknown) => {
      const args = exportArgs(arg);
      const runId = await pickRun(s, args.runId, 'rendered as a video');
      if (!runId) return;
      const target = await askTarget(s, runId, 'mp4', 'MP4 video', args.out);
      if (!target) return;
      const size = parseSize(args.size ?? SIZE);
      const fps = checkFps(args.fps ?? FPS);
      const src = await exportSource(s, runId);
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
              out: target.fsPath,
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
      s.output.info(`Video of run ${runId}: ${result.videoSeconds.toFixed(1)} s rendered in ${result.renderSeconds.toFixed(1)} s → ${result.out}`);
      void vscode.window.showInformationMessage(`Video rendered: ${result.videoSeconds.toFixed(0)} s, ${storyboard.scenes.length} scenes.`, 'Open', 'Reveal in File Explorer').then((open) =>
        open === 'Open' ? vscode.env.openExternal(target) : open ? vscode.commands.executeCommand('revealFileInOS', target) : undefined,
      );
    }),
  );
}
