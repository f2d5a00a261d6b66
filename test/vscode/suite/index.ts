/** Entry loaded by VS Code's extension host (--extensionTestsPath): runs the integration suites with mocha. */
import Mocha from 'mocha';

export function run(): Promise<void> {
  const mocha = new Mocha({ ui: 'bdd', color: true, timeout: 30_000 });
  mocha.suite.emit('pre-require', globalThis, 'nemocognition', mocha);
  // Loaded after pre-require so `describe`/`it` exist; bundled by runTest.ts.
  require('./activation.suite');
  return new Promise((resolve, reject) => {
    mocha.run((failures) => (failures > 0 ? reject(new Error(`${failures} integration test(s) failed`)) : resolve()));
  });
}
