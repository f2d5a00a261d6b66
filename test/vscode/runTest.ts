/**
 * Runs test/vscode/suite inside a desktop VS Code (@vscode/test-electron), for
 * developers with internet: it downloads VS Code on first use. Offline it
 * fails (exit 1) and names the suite's runner that needs no download:
 * test/vscode/inHost.test.ts runs the same suite in code-server's extension
 * host on every `npm test`.
 *
 *   npm run build && npx tsx test/vscode/runTest.ts            build the suite, download VS Code, run
 *   npx tsx test/vscode/runTest.ts --build-only                 only bundle the suite (used by launch.json)
 */
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import * as esbuild from 'esbuild';

const root = path.resolve(__dirname, '../..');
const outDir = path.join(root, '.test-tmp', 'vscode-suite');

async function buildSuite(): Promise<string> {
  await esbuild.build({
    entryPoints: { index: path.join(__dirname, 'suite', 'index.ts') },
    bundle: true,
    platform: 'node',
    format: 'cjs',
    target: 'node20',
    sourcemap: 'inline',
    external: ['vscode', 'mocha'],
    outdir: outDir,
    logLevel: 'warning',
  });
  return path.join(outDir, 'index.js');
}

async function online(): Promise<boolean> {
  try {
    const res = await fetch('https://update.code.visualstudio.com/api/releases/stable', { method: 'HEAD', signal: AbortSignal.timeout(5000) });
    return res.ok || res.status < 500;
  } catch {
    return false;
  }
}

async function main(): Promise<number> {
  const suite = await buildSuite();
  if (process.argv.includes('--build-only')) {
    console.log(`Extension test suite bundled to ${path.relative(root, suite)}`);
    return 0;
  }
  if (!fs.existsSync(path.join(root, 'dist', 'extension.js'))) {
    console.error('dist/extension.js is missing: run `npm run build` first.');
    return 1;
  }
  const cached = fs.existsSync(path.join(root, '.vscode-test'));
  if (!cached && !(await online())) {
    console.error('The desktop VS Code cannot be downloaded from here (update.code.visualstudio.com is unreachable).');
    console.error('The same suite runs in code-server without a download: `npm run build && npx mocha test/vscode/inHost.test.ts` (part of `npm test`).');
    return 1;
  }
  const { runTests } = await import('@vscode/test-electron');
  const workspace = fs.mkdtempSync(path.join(os.tmpdir(), 'nemocog-vscode-test-'));
  fs.writeFileSync(path.join(workspace, 'hello.txt'), 'hello\n');
  try {
    return await runTests({
      extensionDevelopmentPath: root,
      extensionTestsPath: suite,
      launchArgs: [workspace, '--disable-extensions', '--disable-workspace-trust'],
    });
  } finally {
    fs.rmSync(workspace, { recursive: true, force: true });
  }
}

main().then(
  (code) => process.exit(code),
  (err) => {
    console.error(`VS Code integration tests failed to run: ${err instanceof Error ? err.message : String(err)}`);
    process.exit(1);
  },
);
