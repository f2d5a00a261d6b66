/**
 * Video: a storyboard rendered to an MP4, for people who were not there.
 *
 *   const r = await renderVideo({ storyboard, out: 'run.mp4', width: 1280, height: 720, fps: 30, signal, onProgress });
 *   // r.videoSeconds, r.renderSeconds (bench: render_seconds_per_video_second)
 *
 * What it shows: a title card (task, model, outcome, duration, the DAG), then per scene the DAG in
 * lanes (grouped by agent) with the playhead gliding to the step, its narration, the diff excerpt
 * in syntax colours (or the step's facts), the five classification scores; denials framed in the
 * error colour, recoveries drawn branching off their fork point; an end card with the summary.
 *
 * How: the film page (webview/film, built to dist/film) is a small preact app that draws one frame
 * of a storyboard synchronously; playwright-core drives it in headless Chromium, and each distinct
 * picture's screenshot is written into ffmpeg's stdin (image2pipe → libx264), repeated for as many
 * frames as it is held (layout.ts plans the shots: the playhead animates for half a second, then
 * the picture holds). No frame touches the disk; the MP4 is renamed into place when complete.
 *
 * Cost: one screenshot per distinct picture (about 6 per scene at the default 10 pictures per
 * second of animation), plus ffmpeg's encoding; about real time for 1280x720 on 2 cores.
 *
 * Safety: the page gets the storyboard as data, renders every string as text, and may fetch
 * nothing (CSP default-src 'none', every request aborted). Missing ffmpeg or Chromium is an error
 * naming the install command (tools.ts).
 */
export { renderVideo, FilmPage, parseSize, checkFps, RenderError, type RenderOptions, type RenderProgress, type RenderResult } from './render';
export { findChromium, findFfmpeg, MissingToolError } from './tools';
export { planShots, layoutDag, type FrameSpec } from './layout';
