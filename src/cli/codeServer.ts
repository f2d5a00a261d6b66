/**
 * Runs code-server (the real VS Code workbench, served to a browser) with
 * NemoCognition installed from its .vsix: for `npm run demo`, which opens the
 * recorded run in it, and for the end-to-end tests. A free loopback port,
 * throw-away user-data and extensions folders. Where code-server and its Node
 * live is decided by .ci/install-code-server.mjs (asked with --print), so the
 * demo, the tests and the installer never disagree. Works from a checkout.
 */
import { execFileSync, spawn, spawnSync, type ChildProcess } from 'node:child_process';
import * as fs from 'node:fs';
import * as net from 'node:net';
import * as os from 'node:os';
import * as path from 'node:path';
import { findRepoRoot } from '../core/bridge/openclaw/runtime';

export const REPO_ROOT = findRepoRoot(__dirname) ?? findRepoRoot(process.cwd()) ?? process.cwd();

export interface CodeServerInstall {
  node: string;
  codeServerEntry: string;
  chromium: string;
  installed: boolean;
  dir: string;
}

export function codeServerInstall(): CodeServerInstall {
  const out = execFileSync(process.execPath, [path.join(REPO_ROOT, '.ci/install-code-server.mjs'), '--print'], { encoding: 'utf8' });
  return JSON.parse(out) as CodeServerInstall;
}

/** Why the e2e tests cannot run here, or null when they can. */
export function missingPrerequisite(inst: CodeServerInstall): string | null {
  if (!inst.installed || !fs.existsSync(inst.codeServerEntry) || !fs.existsSync(inst.node)) {
    return `code-server is not installed in ${inst.dir}: run \`node .ci/install-code-server.mjs\``;
  }
  if (!fs.existsSync(inst.chromium)) return `Chromium is missing at ${inst.chromium}: run \`apt-get install chromium\` (or \`node .ci/install-code-server.mjs\` as root)`;
  return null;
}

export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const srv = net.createServer();
    srv.once('error', reject);
    srv.listen(0, '127.0.0.1', () => {
      const addr = srv.address();
      const port = typeof addr === 'object' && addr ? addr.port : 0;
      srv.close(() => resolve(port));
    });
  });
}

/** Builds the extension's .vsix with the project's own packaging (vsce runs `vscode:prepublish`, the production build). */
export function packageVsix(outFile: string): string {
  // --no-rewrite-relative-links: README links are not what this test is about, and vsce refuses to package
  // relative links without a real repository URL (package.json has a placeholder one).
  const r = spawnSync('npx', ['--no-install', 'vsce', 'package', '--no-dependencies', '--no-rewrite-relative-links', '--out', outFile], {
    cwd: REPO_ROOT,
    stdio: ['ignore', 'pipe', 'pipe'],
    encoding: 'utf8',
    timeout: 360_000,
  });
  if (r.status !== 0 || !fs.existsSync(outFile)) {
    const why = r.error ? String(r.error) : `exit ${r.status}`;
    throw new Error(`\`vsce package\` failed (${why}); the extension could not be packaged:\n${`${r.stdout}\n${r.stderr}`.slice(-4000)}`);
  }
  return outFile;
}

export interface CodeServerOptions {
  workspace: string;
  /** The packaged extension to install; none for the in-host tests, which load it from its development path. */
  vsix?: string;
  /** Extra settings.json entries for the user profile. */
  settings?: Record<string, unknown>;
  /**
   * Let the workbench honour a URL `payload` (extensionDevelopmentPath, extensionTestsPath): a built
   * VS Code only reads it with the smoke-test driver enabled. For the in-host tests only.
   */
  extensionTests?: boolean;
}

export interface RunningCodeServer {
  url: string;
  port: number;
  userDataDir: string;
  extensionsDir: string;
  /** Everything code-server printed, for failure messages. */
  log(): string;
  stop(opts?: { keepDirs?: boolean }): Promise<void>;
}

/** Settings that keep the workbench quiet and offline: no welcome page, no gallery, no telemetry. */
const QUIET_SETTINGS = {
  'workbench.startupEditor': 'none',
  'workbench.tips.enabled': false,
  'workbench.welcomePage.walkthroughs.openOnInstall': false,
  'telemetry.telemetryLevel': 'off',
  'extensions.autoCheckUpdates': false,
  'extensions.autoUpdate': false,
  'update.mode': 'none',
  'security.workspace.trust.enabled': false,
  'workbench.colorTheme': 'Default Dark Modern',
  'window.commandCenter': false,
  'chat.disableAIFeatures': true,
  'chat.commandCenter.enabled': false,
  'workbench.secondarySideBar.defaultVisibility': 'hidden',
};

export async function startCodeServer(inst: CodeServerInstall, opts: CodeServerOptions): Promise<RunningCodeServer> {
  const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'nemocog-cs-'));
  const userDataDir = path.join(tmp, 'user-data');
  const extensionsDir = path.join(tmp, 'extensions');
  fs.mkdirSync(path.join(userDataDir, 'User'), { recursive: true });
  fs.mkdirSync(extensionsDir, { recursive: true });
  fs.writeFileSync(path.join(userDataDir, 'User/settings.json'), JSON.stringify({ ...QUIET_SETTINGS, ...opts.settings }, null, 2));

  // Its own config file: the default one in ~/.config/code-server would set a password and a port.
  const config = path.join(tmp, 'config.yaml');
  fs.writeFileSync(config, 'auth: none\ncert: false\n');
  const baseArgs = [inst.codeServerEntry, '--config', config, '--user-data-dir', userDataDir, '--extensions-dir', extensionsDir];
  const env: NodeJS.ProcessEnv = { ...process.env, PATH: `${path.dirname(inst.node)}:${process.env.PATH ?? ''}`, CS_DISABLE_GETTING_STARTED_OVERRIDE: '1' };
  // Skips resolving the login shell's environment: a slow ~/.bashrc (here pyenv waiting 60 s on a lock)
  // otherwise delays the extension host by code-server's 10 s timeout. The tests need no shell variables.
  env.VSCODE_CLI = '1';
  // No extension gallery: the browser would otherwise query open-vsx.org (unreachable here, and not needed).
  env.EXTENSIONS_GALLERY = JSON.stringify({ serviceUrl: 'http://127.0.0.1:9/gallery', itemUrl: 'http://127.0.0.1:9/items' });
  delete env.VSCODE_IPC_HOOK_CLI; // when run from a VS Code terminal, code-server would talk to that window instead

  // Installing from the .vsix exercises the package users get, not the source tree.
  let installOut = '';
  if (opts.vsix) {
    installOut = execFileSync(inst.node, [...baseArgs, '--install-extension', opts.vsix], { env, encoding: 'utf8', timeout: 120_000 });
    if (!/successfully installed/i.test(installOut)) throw new Error(`code-server could not install ${opts.vsix}:\n${installOut}`);
  }

  const port = await freePort();
  const args = [
    ...baseArgs,
    '--auth', 'none',
    '--bind-addr', `127.0.0.1:${port}`,
    '--disable-telemetry',
    '--disable-update-check',
    '--disable-workspace-trust',
    '--disable-getting-started-override',
    '--ignore-last-opened',
    ...(opts.extensionTests ? ['--vscode-option', 'enable-smoke-test-driver'] : []),
    opts.workspace,
  ];
  let output = `$ ${inst.node} ${args.join(' ')}\n${installOut}`;
  // Its own process group, so stop() also ends the helpers it forks (file watcher, extension host, pty host).
  const child: ChildProcess = spawn(inst.node, args, { env, stdio: ['ignore', 'pipe', 'pipe'], detached: true });
  const killGroup = (signal: NodeJS.Signals) => {
    try {
      if (child.pid) process.kill(-child.pid, signal);
    } catch {
      // the group is gone already
    }
  };
  child.stdout?.on('data', (d: Buffer) => (output += d.toString()));
  child.stderr?.on('data', (d: Buffer) => (output += d.toString()));
  const exited = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)));

  const url = `http://127.0.0.1:${port}`;
  const deadline = Date.now() + 60_000;
  for (;;) {
    if (child.exitCode !== null) throw new Error(`code-server exited with ${child.exitCode} before it was ready:\n${output}`);
    try {
      const r = await fetch(`${url}/healthz`);
      if (r.ok) break;
    } catch {
      // not listening yet
    }
    if (Date.now() > deadline) {
      killGroup('SIGKILL');
      throw new Error(`code-server did not answer on ${url}/healthz within 60 s:\n${output}`);
    }
    await new Promise((r) => setTimeout(r, 250));
  }

  return {
    url,
    port,
    userDataDir,
    extensionsDir,
    log: () => output,
    async stop(stopOpts) {
      if (child.exitCode === null) {
        killGroup('SIGTERM');
        const t = setTimeout(() => killGroup('SIGKILL'), 5_000);
        await exited;
        clearTimeout(t);
      }
      // Helpers that outlive the main process for a moment would still hold the temp folders.
      await new Promise((r) => setTimeout(r, 500));
      killGroup('SIGKILL');
      if (!stopOpts?.keepDirs) fs.rmSync(tmp, { recursive: true, force: true });
    },
  };
}
