/**
 * Runs mocha suites inside VS Code's extension host (loaded through the
 * workbench's `extensionTestsPath`) and writes what happened as JSON beside
 * the bundle. In code-server the host's exit status reaches nobody, so the
 * report file is the result: test/vscode/inHost.test.ts reads it and turns
 * every case into a case of `npm test`.
 */
import * as fs from 'node:fs';
import * as path from 'node:path';

export const REPORT_FILE = 'inhost-report.json';

export interface InHostCase {
  /** The case's full title (suite titles and its own). */
  title: string;
  state: 'passed' | 'failed' | 'pending';
  durationMs?: number;
  error?: string;
}

export interface InHostReport {
  startedAt: string;
  endedAt: string;
  cases: InHostCase[];
  failures: number;
  /** Set when the suites could not even be loaded or run. */
  fatal?: string;
}

interface RunnableLike {
  fullTitle(): string;
  duration?: number;
}

/** `load` requires the suite files (after mocha's globals exist); the report goes into `dir`. */
export async function runSuites(load: () => void, dir: string): Promise<void> {
  const startedAt = new Date().toISOString();
  const cases: InHostCase[] = [];
  let fatal: string | undefined;
  try {
    // mocha 12 is ESM-only: its default export is the Mocha class.
    const mod = (await import('mocha')) as unknown as { default?: typeof import('mocha') };
    const Mocha = (mod.default ?? mod) as unknown as new (opts: Record<string, unknown>) => import('mocha');
    // A reporter that prints nothing: the report file is the output (the host's console goes to its log).
    const quiet = function QuietReporter() {} as unknown as string;
    const mocha = new Mocha({ ui: 'bdd', timeout: 60_000, color: false, reporter: quiet });
    mocha.suite.emit('pre-require', globalThis, 'nemocognition-inhost', mocha);
    load();
    await new Promise<void>((resolve) => {
      const runner = mocha.run(() => resolve());
      runner.on('pass', (t: RunnableLike) => cases.push({ title: t.fullTitle(), state: 'passed', durationMs: t.duration }));
      runner.on('pending', (t: RunnableLike) => cases.push({ title: t.fullTitle(), state: 'pending' }));
      // Also fires for failed hooks ("before all" hook…): reported as a failed case under the hook's title.
      runner.on('fail', (t: RunnableLike, err: Error) =>
        cases.push({ title: t.fullTitle(), state: 'failed', durationMs: t.duration, error: `${err?.message ?? String(err)}\n${err?.stack ?? ''}`.slice(0, 8000) }),
      );
    });
  } catch (e) {
    fatal = `the in-host suites could not run: ${e instanceof Error ? `${e.message}\n${e.stack}` : String(e)}`;
  }
  const report: InHostReport = { startedAt, endedAt: new Date().toISOString(), cases, failures: cases.filter((c) => c.state === 'failed').length + (fatal ? 1 : 0), fatal };
  const file = path.join(dir, REPORT_FILE);
  fs.writeFileSync(`${file}.tmp`, JSON.stringify(report, null, 2));
  fs.renameSync(`${file}.tmp`, file);
  if (report.failures > 0) throw new Error(fatal ?? `${report.failures} in-host test(s) failed`);
}
