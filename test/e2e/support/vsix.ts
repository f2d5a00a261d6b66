/**
 * One .vsix per test process: `vsce package` runs the production build (about a minute on a loaded
 * machine), and every e2e file installs the same package, so it is built once and shared.
 * NEMOCOG_E2E_VSIX=<file> reuses a package built earlier.
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import { packageVsix, REPO_ROOT } from '../../../src/cli/codeServer';

let built: string | undefined;

export function sharedVsix(): string {
  if (process.env.NEMOCOG_E2E_VSIX) return path.resolve(process.env.NEMOCOG_E2E_VSIX);
  if (built && fs.existsSync(built)) return built;
  const dir = path.join(REPO_ROOT, '.test-tmp');
  fs.mkdirSync(dir, { recursive: true });
  const file = path.join(dir, `nemocognition-e2e-${process.pid}.vsix`);
  built = packageVsix(file);
  process.once('exit', () => fs.rmSync(file, { force: true }));
  return built;
}
