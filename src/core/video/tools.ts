/**
 * The two programs a video needs, found on this machine: Debian's ffmpeg and
 * a Chromium for playwright-core. A missing one is an error that names the
 * install command. NEMOCOG_FFMPEG / NEMOCOG_CHROMIUM point at other builds.
 */
import { existsSync } from 'node:fs';
import { findOnPath } from '../platform/findOnPath';

export class MissingToolError extends Error {
  constructor(message: string, readonly fix: string) {
    super(message);
    this.name = 'MissingToolError';
  }
}

/** Only the given environment's PATH: NEMOCOG_FFMPEG is the way to name another build. */
const onPath = (bin: string, env: NodeJS.ProcessEnv): string | undefined => findOnPath(bin, env.PATH);

export function findFfmpeg(env: NodeJS.ProcessEnv = process.env): { ffmpeg: string; ffprobe: string | undefined } {
  const explicit = env.NEMOCOG_FFMPEG;
  const ffmpeg = explicit && existsSync(explicit) ? explicit : onPath('ffmpeg', env);
  if (!ffmpeg) {
    throw new MissingToolError('ffmpeg is not installed: NemoCognition encodes the video with it.', 'Install it with `sudo apt-get install ffmpeg` (Debian/Ubuntu), or set NEMOCOG_FFMPEG to an ffmpeg binary.');
  }
  return { ffmpeg, ffprobe: onPath('ffprobe', env) };
}

export const CHROMIUM_CANDIDATES = ['/usr/bin/chromium', '/usr/bin/chromium-browser', '/usr/bin/google-chrome', '/usr/bin/google-chrome-stable'];

export function findChromium(env: NodeJS.ProcessEnv = process.env): string {
  const explicit = env.NEMOCOG_CHROMIUM;
  if (explicit && existsSync(explicit)) return explicit;
  const found = CHROMIUM_CANDIDATES.find((p) => existsSync(p));
  if (!found) {
    throw new MissingToolError('No Chromium found: NemoCognition draws the video frames in headless Chromium.', 'Install it with `sudo apt-get install chromium` (Debian/Ubuntu), or set NEMOCOG_CHROMIUM to a Chromium or Chrome binary.');
  }
  return found;
}
