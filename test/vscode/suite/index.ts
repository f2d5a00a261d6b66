/**
 * Entry loaded by VS Code's extension host (`extensionTestsPath`): runs the
 * in-host suites against the real `vscode` API and the extension's real
 * services. Bundled and started by test/vscode/inHost.test.ts (part of `npm test`).
 */
import { runSuites } from './runSuites';

export function run(): Promise<void> {
  return runSuites(() => {
    // Loaded after mocha's globals exist; bundled with this file.
    require('./activation.suite');
    require('./apiKeyStore.suite');
    require('./checkSetup.suite');
    require('./runRestoreGutter.suite');
    require('./exports.suite');
    require('./phoenixMirror.suite');
    require('./hostileWorkspace.suite');
  }, __dirname);
}
