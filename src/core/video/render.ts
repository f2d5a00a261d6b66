/**
 * Renders a storyboard to an MP4: the film page (webview/film) draws each
 * distinct picture in headless Chromium (playwright-core), and its
 * screenshots are piped straight into ffmpeg (libx264), each held for as many
 * frames as the plan says. Nothing is written but the video, which appears
 * under its name only once complete. Cancellable; reports progress.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { once } from 'node:events';
import { renameSync, rmSync } from 'node:fs';
import { dirname, join } from 'node:path';
import type { Storyboard } from '../storyboard/contract';
import { readDistFile } from './distFiles';
import type { Browser, Page } from 'playwright-core';
import { planShots, shotFrames, type FrameSpec } from './layout';
import { findChromium, findFfmpeg } from './tools';

export interface RenderProgress {
  phase: 'starting' | 'drawing' | 'finishing';
  /** Video frames written so far (at the output rate), of `frames`. */
  frame: number;
  frames: number;
}

export interface RenderOptions {
  storyboard: Storyboard;
  out: string;
  width: number;
  height: number;
  fps: number;
  /** Pictures drawn per second of video (the playhead's animation rate); default min(fps, 10). */
  captureFps?: number;
  signal?: AbortSignal;
  onProgress?(p: RenderProgress): void;
  env?: NodeJS.ProcessEnv;
}

export interface RenderResult {
  out: string;
  frames: number;
  pictures: number;
  videoSeconds: number;
  renderSeconds: number;
}

export class RenderError extends Error {
  constructor(message: string, readonly fix: string) {
    super(message);
    this.name = 'RenderError';
  }
}

export function parseSize(size: string): { width: number; height: number } {
  const m = /^(\d{2,4})x(\d{2,4})$/.exec(size.trim());
  const width = m ? Number(m[1]) : NaN;
  const height = m ? Number(m[2]) : NaN;
  if (!m || width < 320 || height < 180 || width > 3840 || height > 2160 || width % 2 || height % 2) {
    throw new RenderError(`Unsupported video size "${size}".`, 'Use WIDTHxHEIGHT with even numbers between 320x180 and 3840x2160, e.g. --size 1280x720.');
  }
  return { width, height };
}

export function checkFps(fps: number): number {
  if (!Number.isInteger(fps) || fps < 1 || fps > 60) throw new RenderError(`Unsupported frame rate ${fps}.`, 'Use a whole number of frames per second from 1 to 60, e.g. --fps 30.');
  return fps;
}

function aborted(signal?: AbortSignal): Error {
  const e = new Error('The video was not rendered: cancelled.');
  e.name = 'AbortError';
  return signal?.reason instanceof Error ? Object.assign(e, { cause: signal.reason }) : e;
}

/** The film page: bundled script and styles inline, nothing to fetch. */
function filmPage(): string {
  const nonce = randomBytes(16).toString('base64url');
  const css = readDistFile('film/film.css');
  const js = readDistFile('film/film.js');
  return `<!DOCTYPE html><html><head><meta charset="utf-8">
<meta http-equiv="Content-Security-Policy" content="default-src 'none'; script-src 'nonce-${nonce}'; style-src 'nonce-${nonce}'; img-src data:">
<style nonce="${nonce}">${css.replace(/<\/style/gi, '<\\/style')}</style></head>
<body><div id="film"></div><script nonce="${nonce}">${js.replace(/<\/script/gi, '<\\/script')}</script></body></html>`;
}

/** The film page open in headless Chromium with a storyboard loaded: draws any frame on demand. */
export class FilmPage {
  private constructor(
    private readonly browser: Browser,
    private readonly page: Page,
  ) {}

  static async open(sb: Storyboard, size: { width: number; height: number }, env?: NodeJS.ProcessEnv): Promise<FilmPage> {
    const { chromium } = await import('playwright-core');
    const browser = await chromium.launch({ executablePath: findChromium(env), args: ['--no-sandbox', '--disable-gpu', '--font-render-hinting=none', '--hide-scrollbars'] });
    try {
      const page = await browser.newPage({ viewport: size, deviceScaleFactor: 1 });
      // The frames are drawn from the storyboard alone: the page may fetch nothing.
      await page.route('**/*', (route) => route.abort());
      await page.setContent(filmPage(), { waitUntil: 'load' });
      await page.evaluate(({ s, z }) => window.ncFilm!.load(s, z), { s: sb, z: size });
      return new FilmPage(browser, page);
    } catch (e) {
      await browser.close().catch(() => undefined);
      throw e;
    }
  }

  /** Draws a frame and returns its picture (JPEG). */
  async draw(spec: FrameSpec): Promise<Buffer> {
    await this.page.evaluate((sp) => window.ncFilm!.show(sp), spec);
    return this.page.screenshot({ type: 'jpeg', quality: 92 });
  }

  /** The text of the frame last drawn (what a viewer reads in it). */
  text(): Promise<string> {
    return this.page.evaluate(() => document.getElementById('film')!.textContent ?? '');
  }

  close(): Promise<void> {
    return this.browser.close().catch(() => undefined);
  }
}

export async function renderVideo(o: RenderOptions): Promise<RenderResult> {
  const t0 = Date.now();
  const { width, height } = parseSize(`${o.width}x${o.height}`);
  const fps = checkFps(o.fps);
  const captureFps = Math.min(fps, o.captureFps ?? 10);
  const { ffmpeg } = findFfmpeg(o.env);
  findChromium(o.env);
  if (o.signal?.aborted) throw aborted(o.signal);

  const shots = planShots(o.storyboard, captureFps);
  const captured = shotFrames(shots);
  const frames = Math.round((captured * fps) / captureFps);
  const progress = (phase: RenderProgress['phase'], captureDone: number) => o.onProgress?.({ phase, frame: Math.min(frames, Math.round((captureDone * fps) / captureFps)), frames });
  progress('starting', 0);

  const tmp = join(dirname(o.out), `.${randomBytes(6).toString('hex')}.nemocog-render.mp4`);
  const film = await FilmPage.open(o.storyboard, { width, height }, o.env);
  let encoder: ChildProcess | undefined;
  let stderr = '';
  const onAbort = () => encoder?.kill('SIGKILL');
  o.signal?.addEventListener('abort', onAbort, { once: true });
  try {
    encoder = spawn(
      ffmpeg,
      ['-hide_banner', '-loglevel', 'error', '-y', '-f', 'image2pipe', '-framerate', String(captureFps), '-c:v', 'mjpeg', '-i', '-', '-vf', `fps=${fps},format=yuv420p`, '-c:v', 'libx264', '-preset', 'veryfast', '-crf', '20', '-movflags', '+faststart', '-f', 'mp4', tmp],
      { stdio: ['pipe', 'ignore', 'pipe'] },
    );
    encoder.stderr!.on('data', (d: Buffer) => (stderr = (stderr + d.toString()).slice(-4000)));
    const exited = once(encoder, 'close') as Promise<[number | null, NodeJS.Signals | null]>;
    encoder.stdin!.on('error', () => undefined); // a dead encoder is reported by its exit below

    let done = 0;
    for (const shot of shots) {
      if (o.signal?.aborted) throw aborted(o.signal);
      const picture = await film.draw(shot.spec);
      for (let k = 0; k < shot.repeat; k++) {
        if (encoder.exitCode !== null) break;
        if (!encoder.stdin!.write(picture)) await Promise.race([once(encoder.stdin!, 'drain'), exited]);
      }
      done += shot.repeat;
      progress('drawing', done);
    }
    encoder.stdin!.end();
    progress('finishing', done);
    const [code, sig] = await exited;
    if (o.signal?.aborted) throw aborted(o.signal);
    if (code !== 0) throw new RenderError(`ffmpeg failed (${sig ?? `exit ${code}`}): ${stderr.trim().split('\n').slice(-3).join(' ') || 'no message'}`, 'Check that Debian\'s ffmpeg with libx264 is installed (`sudo apt-get install ffmpeg`) and that the output folder is writable.');
    renameSync(tmp, o.out);
    return { out: o.out, frames, pictures: shots.length, videoSeconds: frames / fps, renderSeconds: (Date.now() - t0) / 1000 };
  } catch (e) {
    encoder?.kill('SIGKILL');
    rmSync(tmp, { force: true });
    throw e;
  } finally {
    o.signal?.removeEventListener('abort', onAbort);
    await film.close();
  }
}
