import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { buildStoryboard, openRecordedRun, readStoryboard, type Storyboard } from '../../core/storyboard';
import { checkFps, parseSize, renderVideo } from '../../core/video';
import { CliError } from '../errors';
import { exportScrubber, NEMOCOG_VERSION, workspaceArg } from '../exportArgs';
import { progressBar } from '../progressBar';
import { parseCommandArgs } from '../args';

export const RENDER_USAGE = `  nemocog render <workspace> [--run <id>] --out run.mp4 [--size 1280x720] [--fps 30]
  nemocog render --storyboard file.json --out run.mp4 [--size WxH] [--fps N]
  The run as an MP4 (needs ffmpeg and Chromium).`;

/**
 * `nemocog render <workspace> [--run <id>] --out run.mp4 [--size 1280x720] [--fps 30]`
 * (or `--storyboard file.json` instead of a workspace): the run as an MP4.
 */
export async function renderCommand(argv: string[]): Promise<number> {
  const { values, positionals } = parseCommandArgs(
    argv,
    { run: { type: 'string' }, out: { type: 'string' }, size: { type: 'string', default: '1280x720' }, fps: { type: 'string', default: '30' }, storyboard: { type: 'string' } },
    RENDER_USAGE,
    true,
  );
  if (!values.out) throw new CliError('No output file given.', 'Pass --out run.mp4.');
  const { width, height } = parseSize(values.size!);
  const fps = checkFps(Number(values.fps));
  const storyboard = values.storyboard ? readStoryboard(readFileSync(resolve(values.storyboard), 'utf8')) : await fromWorkspace(workspaceArg(positionals, 'render'), values.run);

  const controller = new AbortController();
  process.once('SIGINT', () => controller.abort());
  const bar = progressBar(`Rendering ${storyboard.scenes.length} scenes`);
  try {
    const r = await renderVideo({
      storyboard,
      out: resolve(values.out),
      width,
      height,
      fps,
      signal: controller.signal,
      onProgress: (p) => bar.update(p.frame, p.frames, p.phase === 'finishing' ? 'encoding the last frames…' : undefined),
    });
    bar.end(`${r.out}: ${r.videoSeconds.toFixed(1)} s of ${width}x${height} video at ${fps} fps, rendered in ${r.renderSeconds.toFixed(1)} s.`);
  } catch (e) {
    bar.end();
    if ((e as Error).name === 'AbortError') {
      console.error('nemocog: rendering cancelled; no video was written.');
      return 130;
    }
    throw e;
  }
  return 0;
}

async function fromWorkspace(workspace: string, runId: string | undefined): Promise<Storyboard> {
  const rec = await openRecordedRun(workspace, { runId });
  try {
    const scrubber = exportScrubber();
    return buildStoryboard({ ...rec, snapshots: rec.snapshots ?? undefined, scrub: (t) => scrubber.scrub(t), generatorVersion: NEMOCOG_VERSION });
  } finally {
    await rec.close();
  }
}
