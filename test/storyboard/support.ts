/** What the storyboard tests on a recorded demo run share: the run, the CLI, ffprobe/ffmpeg, a shared replay in Chromium. */
import { execFile, execFileSync } from 'node:child_process';
import { mkdirSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { promisify } from 'node:util';
import type { Browser, BrowserContext, Page } from 'playwright-core';
import { DEMO_PAIR, DEMO_TASK, PAIR_TASK } from '../../src/cli/commands/demo';
import { seedDemoWorkspace } from '../../src/cli/demoWorkspace';
import { startDemoModel } from '../../src/core/demo';
import type { RunSummary } from '../../src/core/run/api';
import { runSupervised } from '../../src/core/run/supervisor';

export const ROOT = resolve(__dirname, '../..');
export const CLI = join(ROOT, 'dist/cli.js');
export const CHROMIUM = ['/usr/bin/chromium', '/usr/bin/chromium-browser', '/usr/bin/google-chrome'].find((p) => {
  try {
    execFileSync('test', ['-x', p]);
    return true;
  } catch {
    return false;
  }
});

/** Where the tests keep what a person should look at (frames, screenshots). */
export function resultsDir(): string {
  const dir = join(ROOT, 'test-results', 'storyboard');
  mkdirSync(dir, { recursive: true });
  return dir;
}

/** The offline demo, as `nemocog demo --scenario <s>` runs it, recorded into `ws`. */
export async function recordDemo(scenario: 'deny-and-recover' | 'pair', ws: string): Promise<RunSummary> {
  seedDemoWorkspace(ws);
  const model = await startDemoModel({ scenario });
  try {
    return await runSupervised({
      workspace: ws,
      task: scenario === 'pair' ? PAIR_TASK : DEMO_TASK,
      ...(scenario === 'pair' ? { pair: { ...DEMO_PAIR } } : {}),
      driver: 'local',
      model: { baseUrl: model.baseUrl, model: model.model },
      maxRecoveries: 2,
      timeoutMs: 300_000,
    });
  } finally {
    await model.close();
  }
}

export async function cli(args: string[], env: NodeJS.ProcessEnv = process.env): Promise<{ code: number; stdout: string; stderr: string }> {
  return promisify(execFile)(process.execPath, [CLI, ...args], { env, maxBuffer: 64 * 1024 * 1024 }).then(
    (r) => ({ code: 0, stdout: r.stdout, stderr: r.stderr }),
    (e: { code?: number; stdout?: string; stderr?: string }) => ({ code: e.code ?? 1, stdout: e.stdout ?? '', stderr: e.stderr ?? '' }),
  );
}

export interface Probe {
  streams: Array<{ codec_type: string; codec_name: string; width?: number; height?: number; avg_frame_rate?: string }>;
  format: { duration: string };
}

export function ffprobe(file: string): Probe {
  return JSON.parse(execFileSync('ffprobe', ['-v', 'error', '-show_entries', 'stream=codec_type,codec_name,width,height,avg_frame_rate:format=duration', '-of', 'json', file], { encoding: 'utf8' })) as Probe;
}

/** The frame at `seconds`, written as a PNG. */
export function extractFrame(video: string, seconds: number, png: string): void {
  execFileSync('ffmpeg', ['-v', 'error', '-y', '-ss', seconds.toFixed(3), '-i', video, '-frames:v', '1', png]);
}

/** RGB of one pixel of the frame at `seconds`. */
export function pixelAt(video: string, seconds: number, x: number, y: number, width: number): [number, number, number] {
  const raw = execFileSync('ffmpeg', ['-v', 'error', '-ss', seconds.toFixed(3), '-i', video, '-frames:v', '1', '-f', 'rawvideo', '-pix_fmt', 'rgb24', '-'], { maxBuffer: 64 * 1024 * 1024 });
  const i = (y * width + x) * 3;
  return [raw[i]!, raw[i + 1]!, raw[i + 2]!];
}

/** Opens a shared replay file in headless Chromium with every network request blocked (and recorded). */
export async function openSharedReplay(file: string, colorScheme: 'dark' | 'light' = 'dark'): Promise<{ page: Page; blocked: string[]; errors: string[]; close(): Promise<void> }> {
  const { chromium } = await import('playwright-core');
  const browser: Browser = await chromium.launch({ executablePath: CHROMIUM!, args: ['--no-sandbox'] });
  const context: BrowserContext = await browser.newContext({ viewport: { width: 1280, height: 900 }, colorScheme });
  const blocked: string[] = [];
  const url = `file://${file}`;
  await context.route('**/*', (route) => {
    if (route.request().url() === url) return route.continue();
    blocked.push(route.request().url());
    return route.abort();
  });
  const page = await context.newPage();
  const errors: string[] = [];
  page.on('pageerror', (e) => errors.push(e.message));
  page.on('console', (m) => (m.type() === 'error' ? errors.push(m.text()) : undefined));
  await page.goto(url);
  return { page, blocked, errors, close: () => browser.close() };
}
