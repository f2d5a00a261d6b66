/**
 * Debian's Chromium driven by playwright-core against the code-server
 * workbench: launch with a fresh profile, reach commands the way a user does
 * (F1, type, Enter), open the NemoCognition view from the activity bar, and
 * get into its webview. VS Code webviews are two nested iframes: the outer
 * `iframe.webview` hosts VS Code's webview shell, whose `#active-frame` holds
 * the extension's page.
 */
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { chromium, type BrowserContext, type ConsoleMessage, type Frame, type FrameLocator, type Page } from 'playwright-core';

export interface ConsoleEntry {
  type: string;
  text: string;
  /** URL of the frame that logged it: the webview's frames carry `webview` in their path. */
  frameUrl: string;
}

export interface Workbench {
  context: BrowserContext;
  page: Page;
  console: ConsoleEntry[];
  pageErrors: string[];
  close(): Promise<void>;
}

export async function openWorkbench(chromiumPath: string, url: string): Promise<Workbench> {
  const profile = fs.mkdtempSync(path.join(os.tmpdir(), 'nemocog-e2e-chromium-'));
  const context = await chromium.launchPersistentContext(profile, {
    executablePath: chromiumPath,
    headless: true,
    viewport: { width: 1440, height: 900 },
    // NEMOCOG_E2E_SCALE=2 for sharper screenshots when reviewing small text and badges.
    deviceScaleFactor: Number(process.env.NEMOCOG_E2E_SCALE) || 1,
    args: ['--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking', '--disable-component-update', '--disable-sync'],
  });
  const page = context.pages()[0] ?? (await context.newPage());
  const consoleEntries: ConsoleEntry[] = [];
  const pageErrors: string[] = [];
  page.on('console', (m: ConsoleMessage) => {
    let frameUrl = '';
    try {
      frameUrl = m.page() ? (m.location().url ?? '') : '';
    } catch {
      // a detached frame
    }
    consoleEntries.push({ type: m.type(), text: m.text(), frameUrl });
  });
  page.on('pageerror', (e) => pageErrors.push(String(e.stack ?? e)));
  await page.goto(url, { waitUntil: 'domcontentloaded' });
  // The workbench is up when its activity bar is rendered.
  await page.locator('.monaco-workbench .activitybar').waitFor({ state: 'visible', timeout: 60_000 });
  return {
    context,
    page,
    console: consoleEntries,
    pageErrors,
    async close() {
      await context.close();
      fs.rmSync(profile, { recursive: true, force: true });
    },
  };
}

/**
 * F1 → type the command's title → Enter, as a user would. Right after the workbench opens, the
 * extension's contributions may not be registered yet: then the palette is closed and asked again.
 */
export async function runCommand(page: Page, title: string, timeoutMs = 60_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    await page.locator('.monaco-workbench').click({ position: { x: 700, y: 5 } }).catch(() => undefined);
    await page.keyboard.press('F1');
    const input = page.locator('.quick-input-widget input.input');
    await input.waitFor({ state: 'visible', timeout: 10_000 });
    await input.fill(`>${title}`);
    // Wait until the palette lists exactly this command before accepting it.
    const item = page.locator('.quick-input-list .monaco-list-row', { hasText: title }).first();
    const listed = await item.waitFor({ state: 'visible', timeout: 5_000 }).then(() => true, () => false);
    if (listed) {
      await page.keyboard.press('Enter');
      return;
    }
    await page.keyboard.press('Escape');
    if (Date.now() > deadline) throw new Error(`the command palette does not list "${title}" (waited ${timeoutMs / 1000} s)`);
    await page.waitForTimeout(1_000);
  }
}

/**
 * Clicks NemoCognition's activity-bar icon unless its side bar is already showing. The icon toggles: a
 * side bar still being restored after a reload (there, but its title not yet visible) is closed by the
 * click, so a click that does not show the view within a few seconds is followed by another.
 */
export async function openNemoCognitionView(page: Page): Promise<void> {
  const item = page.locator('.activitybar .action-item a[aria-label^="NemoCognition"], .activitybar .action-item[aria-label^="NemoCognition"]').first();
  await item.waitFor({ state: 'visible', timeout: 30_000 });
  const sidebarTitle = page.locator('.part.sidebar .composite.title', { hasText: /NemoCognition/i });
  for (let attempt = 0; attempt < 3; attempt++) {
    if (await sidebarTitle.isVisible().catch(() => false)) return;
    await item.click();
    if (await sidebarTitle.waitFor({ state: 'visible', timeout: 5_000 }).then(() => true, () => false)) return;
  }
  await sidebarTitle.waitFor({ state: 'visible', timeout: 10_000 });
}

/** The inner document of the (first visible) webview with the given title, e.g. "Replay". */
export function webviewFrame(page: Page): FrameLocator {
  return page.frameLocator('iframe.webview.ready').first().frameLocator('iframe#active-frame');
}

/** The inner Frame object (for evaluate), found by its page title. */
export async function webviewInnerFrame(page: Page, title = 'NemoCognition Replay', timeoutMs = 30_000): Promise<Frame> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    for (const f of page.frames()) {
      if (f.name() !== 'active-frame' && !f.url().includes('fake.html')) continue;
      // title() waits for the frame's document; a webview that never got its content would block it.
      const t = await Promise.race([f.title().catch(() => ''), new Promise<string>((r) => setTimeout(() => r(''), 1_000))]);
      if (t === title) return f;
    }
    if (Date.now() > deadline) throw new Error(`no webview frame titled "${title}" among: ${page.frames().map((f) => f.url()).join(', ')}`);
    await page.waitForTimeout(250);
  }
}

/**
 * Waits for the Replay webview's inner frame; null when VS Code shows "An error occurred while loading
 * view" instead (it puts that page into the webview when the extension's provider threw), so a test can
 * say why rather than time out.
 */
export async function waitForReplayWebview(page: Page, timeoutMs: number, title = 'NemoCognition Replay'): Promise<Frame | null> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    for (const f of page.frames()) {
      if (f.name() !== 'active-frame' && !f.url().includes('fake.html')) continue;
      const doc = await Promise.race([
        f.evaluate(() => ({ title: document.title, body: document.body?.innerText ?? '' })).catch(() => null),
        new Promise<null>((r) => setTimeout(() => r(null), 1_000)),
      ]);
      if (doc?.title === title) return f;
      if (doc?.body.includes('An error occurred while loading view')) return null;
    }
    if (Date.now() > deadline) throw new Error(`the "${title}" webview did not appear within ${timeoutMs / 1000} s`);
    await page.waitForTimeout(250);
  }
}

export function screenshotDir(): string {
  const dir = process.env.NEMOCOG_E2E_SCREENSHOTS ?? path.resolve(__dirname, '../../../test-results/e2e');
  fs.mkdirSync(dir, { recursive: true });
  return dir;
}

/** Full-window screenshot; returns the file path. */
export async function screenshot(page: Page, name: string): Promise<string> {
  const file = path.join(screenshotDir(), `${name}.png`);
  await page.screenshot({ path: file });
  return file;
}

/** Screenshot of just the side bar (where the Replay view lives). */
export async function screenshotSidebar(page: Page, name: string): Promise<string> {
  const file = path.join(screenshotDir(), `${name}.png`);
  await page.locator('.part.sidebar').screenshot({ path: file });
  return file;
}
