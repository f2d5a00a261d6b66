/**
 * Runs a test entry inside code-server's extension host the way VS Code's own
 * extension tests run: the workbench URL carries a `payload` with
 * `extensionDevelopmentPath` (this checkout, so the extension loads from
 * dist/) and `extensionTestsPath` (the bundled entry, whose `run()` the host
 * calls). The entry writes its report beside itself (test/vscode/suite/runSuites.ts);
 * this waits for that file.
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import { build } from 'esbuild';
import type { RunningCodeServer } from '../../../src/cli/codeServer';
import { REPO_ROOT } from '../../../src/cli/codeServer';
import { openWorkbench, type Workbench } from '../../e2e/support/browser';
import { REPORT_FILE, type InHostReport } from '../suite/runSuites';

/** Bundles a suite entry under the checkout (so `mocha` resolves from its node_modules); returns its folder. */
export async function bundleInHostEntry(entry: string, name: string): Promise<string> {
  const dir = path.join(REPO_ROOT, '.test-tmp', 'inhost', `${name}-${process.pid}-${Date.now().toString(36)}`);
  fs.mkdirSync(dir, { recursive: true });
  await build({
    entryPoints: { index: entry },
    bundle: true,
    platform: 'node',
    format: 'cjs',
    target: 'node20',
    sourcemap: 'inline',
    external: ['vscode', 'mocha'],
    outdir: dir,
    logLevel: 'warning',
  });
  return dir;
}

export function inHostUrl(cs: RunningCodeServer, workspace: string, suiteDir: string): string {
  const remote = (p: string) => `vscode-remote://127.0.0.1:${cs.port}${p}`;
  const payload = [
    ['extensionDevelopmentPath', remote(REPO_ROOT)],
    ['extensionTestsPath', remote(path.join(suiteDir, 'index.js'))],
  ];
  return `${cs.url}/?folder=${encodeURIComponent(workspace)}&payload=${encodeURIComponent(JSON.stringify(payload))}`;
}

export interface InHostRun {
  report: InHostReport;
  seconds: number;
}

/** Opens the workbench with the entry and waits for its report (or says what the workbench logged). */
export async function runInHost(cs: RunningCodeServer, chromium: string, workspace: string, suiteDir: string, timeoutMs: number): Promise<InHostRun> {
  const reportFile = path.join(suiteDir, REPORT_FILE);
  const t0 = Date.now();
  let wb: Workbench | undefined;
  try {
    wb = await openWorkbench(chromium, inHostUrl(cs, workspace, suiteDir));
    while (!fs.existsSync(reportFile)) {
      if (Date.now() - t0 > timeoutMs) {
        const errors = wb.console.filter((m) => m.type === 'error').map((m) => `  ${m.text.slice(0, 300)}`);
        throw new Error(
          `the in-host suite wrote no report within ${timeoutMs / 1000} s (${reportFile}).\n` +
            `Workbench console errors:\n${errors.slice(-20).join('\n') || '  (none)'}\ncode-server log (tail):\n${cs.log().slice(-3000)}`,
        );
      }
      await new Promise((r) => setTimeout(r, 250));
    }
    const report = JSON.parse(fs.readFileSync(reportFile, 'utf8')) as InHostReport;
    return { report, seconds: (Date.now() - t0) / 1000 };
  } finally {
    await wb?.close().catch(() => undefined);
  }
}
