/**
 * Installs the agent runtime (openclaw@OPENCLAW_VERSION on the npm package
 * node@AGENT_NODE_VERSION) into a private folder with the user's own npm.
 * The single source of truth: the VS Code command and
 * `.ci/install-agent-runtime.mjs` (through tsx) both call `installAgentRuntime`.
 *
 * Why two npm steps: OpenClaw's preinstall refuses Node < 24.16 while the
 * user's npm may run on Node 20. So Node 24 comes first (the `node` package
 * ships the binary), then npm runs again with it first on PATH so OpenClaw's
 * install scripts see Node 24.
 *
 * Why a temporary sibling folder: a cancelled or failed install (network,
 * closed window) must never leave a half runtime that `locateAgentRuntime`
 * would accept; the folder appears only once verified, by rename.
 */
import { spawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { existsSync } from 'node:fs';
import { mkdir, mkdtemp, readdir, readFile, rename, rm, rmdir, stat, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { basename, dirname, join, resolve } from 'node:path';
import { AGENT_NODE_VERSION, OPENCLAW_VERSION, runtimeAt, runtimeLayout, type AgentRuntime } from './runtime';

/**
 * Packages whose install scripts the runtime needs (npm 11 asks for approval):
 * node (puts the binary in place), openclaw (bundled plugins), koffi (native
 * prebuild), protobufjs, @google/genai (no-op).
 */
export const AGENT_RUNTIME_ALLOW_SCRIPTS = ['node', 'openclaw', 'koffi', 'protobufjs', '@google/genai'] as const;
export const RUNTIME_PACKAGE_NAME = 'nemocog-agent-runtime';
export const RUNTIME_MARKER = 'nemocog-runtime.json';
/** Leftovers of an install that died (crash, killed window) older than this are removed. */
const STALE_MS = 60 * 60_000;

export interface InstallRuntimeOptions {
  /** One human-readable line per step, plus npm's own output lines. */
  onProgress?: (line: string) => void;
  signal?: AbortSignal;
  /** The npm command (default `npm`, looked up on `env.PATH`). */
  npm?: string;
  /** Environment for npm (default `process.env`). */
  env?: NodeJS.ProcessEnv;
}

export class AgentRuntimeInstallError extends Error {
  constructor(
    message: string,
    public readonly fix: string,
    public readonly kind: 'no-npm' | 'npm-failed' | 'verify-failed' | 'unsafe-folder' | 'cancelled',
  ) {
    super(`${message} ${fix}`);
    this.name = 'AgentRuntimeInstallError';
  }
}

/**
 * The runtime folder's own package.json: npm never walks up into another
 * manifest, and it holds the install-script approvals (npm 11 refuses
 * --allow-scripts on the command line for project installs).
 */
export function runtimePackageJson(): { name: string; private: true; allowScripts: Record<string, true> } {
  return { name: RUNTIME_PACKAGE_NAME, private: true, allowScripts: Object.fromEntries(AGENT_RUNTIME_ALLOW_SCRIPTS.map((p) => [p, true] as const)) };
}

/** The npm argument lists, in order. Both packages in step 2: with --no-save, npm prunes what the command does not name. */
export function npmInstallSteps(prefix: string): string[][] {
  const common = ['--prefix', prefix, '--no-save', '--no-audit', '--no-fund', '--loglevel=error'];
  return [
    ['install', ...common, `node@${AGENT_NODE_VERSION}`],
    ['install', ...common, `openclaw@${OPENCLAW_VERSION}`, `node@${AGENT_NODE_VERSION}`],
  ];
}

/** Installed and complete: marker written, pinned OpenClaw, and the Node binary answers with the pinned version. */
export async function isAgentRuntimeInstalled(dir: string): Promise<AgentRuntime | undefined> {
  const rt = runtimeAt(resolve(dir));
  if ('problem' in rt || !existsSync(join(rt.dir, RUNTIME_MARKER))) return undefined;
  const v = await run(rt.nodeBin, ['--version'], { env: { PATH: process.env.PATH ?? '/usr/bin:/bin' }, timeoutMs: 30_000 }).catch(() => undefined);
  return v?.code === 0 && v.stdout.trim() === `v${AGENT_NODE_VERSION}` ? rt : undefined;
}

export async function installAgentRuntime(dir: string, opts: InstallRuntimeOptions = {}): Promise<AgentRuntime> {
  const target = resolve(dir);
  const say = (line: string) => opts.onProgress?.(line);
  const env = opts.env ?? process.env;

  const present = await isAgentRuntimeInstalled(target);
  if (present) {
    say(`Already installed in ${target} (openclaw ${OPENCLAW_VERSION}, node v${AGENT_NODE_VERSION}).`);
    return present;
  }
  await assertReplaceable(target);
  const npmVersion = await checkNpm(opts.npm ?? 'npm', env);
  say(`Installing openclaw@${OPENCLAW_VERSION} and node@${AGENT_NODE_VERSION} into ${target} with npm ${npmVersion}.`);

  await mkdir(dirname(target), { recursive: true });
  await removeStale(target);
  const tmp = `${target}.tmp-${randomBytes(4).toString('hex')}`;
  try {
    await mkdir(tmp);
    await writeFile(join(tmp, 'package.json'), JSON.stringify(runtimePackageJson(), null, 2) + '\n');
    const [nodeStep, openclawStep] = npmInstallSteps(tmp);
    const inTmp = runtimeLayout(tmp);

    say(`Step 1/3: Node ${AGENT_NODE_VERSION} (npm package node@${AGENT_NODE_VERSION})…`);
    await npm(opts, env, tmp, nodeStep!);
    if (!existsSync(inTmp.nodeBin)) {
      throw new AgentRuntimeInstallError(
        `node@${AGENT_NODE_VERSION} was installed but ${inTmp.nodeBin} is missing: its install script did not run.`,
        'Allow npm install scripts (check `npm config get ignore-scripts` is false), then install again.',
        'npm-failed',
      );
    }

    say(`Step 2/3: OpenClaw ${OPENCLAW_VERSION} (runs its install scripts on Node ${AGENT_NODE_VERSION})…`);
    await npm(opts, { ...env, PATH: `${dirname(inTmp.nodeBin)}:${env.PATH ?? ''}` }, tmp, openclawStep!);

    say('Step 3/3: checking that `openclaw --version` starts on the installed Node…');
    const version = await verify(inTmp.nodeBin, inTmp.openclawEntry, opts.signal);
    const final = runtimeLayout(target);
    await writeFile(
      join(tmp, RUNTIME_MARKER),
      JSON.stringify({ openclaw: OPENCLAW_VERSION, node: AGENT_NODE_VERSION, nodeBin: final.nodeBin, openclawEntry: final.openclawEntry, installedAt: new Date().toISOString() }, null, 2) + '\n',
    );
    throwIfCancelled(opts.signal);
    await swapIn(tmp, target);
    say(`Ready: ${version} on Node v${AGENT_NODE_VERSION} in ${target}.`);
  } finally {
    await rm(tmp, { recursive: true, force: true }).catch(() => undefined);
  }
  const rt = runtimeAt(target);
  if ('problem' in rt) throw new AgentRuntimeInstallError(`The runtime was installed but cannot be found afterwards (${rt.problem}).`, 'Install again; if it keeps failing, choose another folder in nemocognition.agent.runtimeDir.', 'verify-failed');
  return rt;
}

/** Refuses to replace a folder that is neither empty nor a runtime folder: a mistyped setting must not delete the user's files. */
async function assertReplaceable(target: string): Promise<void> {
  let entries: string[];
  try {
    if (!(await stat(target)).isDirectory()) throw new Error('not a folder');
    entries = await readdir(target);
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code === 'ENOENT') return;
    throw new AgentRuntimeInstallError(`${target} exists and is not a folder NemoCognition can install into.`, 'Choose a new or empty folder for the agent runtime (nemocognition.agent.runtimeDir or NEMOCOG_RUNTIME_DIR).', 'unsafe-folder');
  }
  if (entries.length === 0 || entries.includes(RUNTIME_MARKER)) return;
  try {
    if (JSON.parse(await readFile(join(target, 'package.json'), 'utf8')).name === RUNTIME_PACKAGE_NAME) return;
  } catch {
    // no or unreadable package.json: not ours
  }
  throw new AgentRuntimeInstallError(
    `${target} already holds other files and is not an agent runtime folder, so NemoCognition will not install over it.`,
    'Choose a new or empty folder for the agent runtime (nemocognition.agent.runtimeDir or NEMOCOG_RUNTIME_DIR).',
    'unsafe-folder',
  );
}

async function checkNpm(npmCmd: string, env: NodeJS.ProcessEnv): Promise<string> {
  const fix = 'Install Node.js 20+ and npm (https://nodejs.org), make sure `npm` is on the PATH (for VS Code: the PATH it was started with), then install again.';
  const node = await run('node', ['--version'], { env, timeoutMs: 30_000 }).catch(() => undefined);
  const major = Number(/^v(\d+)\./.exec(node?.stdout.trim() ?? '')?.[1] ?? NaN);
  if (!node || node.code !== 0) throw new AgentRuntimeInstallError('Node.js was not found on PATH; the agent runtime is installed with npm.', fix, 'no-npm');
  if (!(major >= 20)) throw new AgentRuntimeInstallError(`Node.js ${node.stdout.trim()} is too old to install the agent runtime.`, fix, 'no-npm');
  const r = await run(npmCmd, ['--version'], { env, timeoutMs: 60_000 }).catch((e: Error) => ({ code: -1, stdout: '', stderr: e.message }));
  if (r.code !== 0) throw new AgentRuntimeInstallError(`npm could not be started (${lastLines(r.stderr, 2) || `exit ${r.code}`}).`, fix, 'no-npm');
  return r.stdout.trim();
}

async function npm(opts: InstallRuntimeOptions, env: NodeJS.ProcessEnv, cwd: string, args: string[]): Promise<void> {
  opts.onProgress?.(`npm ${args.join(' ')}`);
  const r = await run(opts.npm ?? 'npm', args, { cwd, env, signal: opts.signal, onLine: opts.onProgress, timeoutMs: 20 * 60_000 }).catch((e: Error) => {
    if (e instanceof AgentRuntimeInstallError) throw e;
    return { code: -1, stdout: '', stderr: e.message };
  });
  if (r.code !== 0) {
    throw new AgentRuntimeInstallError(
      `npm ${args[0]} ${args.at(-1)} failed (exit ${r.code}): ${lastLines(r.stderr, 6) || 'no error output'}.`,
      'Check network access to the npm registry (and any proxy settings in ~/.npmrc), then install again.',
      'npm-failed',
    );
  }
}

async function verify(nodeBin: string, entry: string, signal: AbortSignal | undefined): Promise<string> {
  const home = await mkdtemp(join(tmpdir(), 'nc-rt-verify-'));
  try {
    const r = await run(nodeBin, [entry, '--version'], { env: { PATH: process.env.PATH ?? '/usr/bin:/bin', HOME: home }, signal, timeoutMs: 120_000 });
    if (r.code !== 0 || !r.stdout.includes(OPENCLAW_VERSION)) {
      throw new AgentRuntimeInstallError(
        `\`openclaw --version\` did not report ${OPENCLAW_VERSION} after the install (exit ${r.code}): ${lastLines(r.stderr || r.stdout, 6)}.`,
        'Install again; the half-finished install was removed.',
        'verify-failed',
      );
    }
    return r.stdout.trim().split('\n').at(-1)!.trim();
  } finally {
    await rm(home, { recursive: true, force: true }).catch(() => undefined);
  }
}

async function swapIn(tmp: string, target: string): Promise<void> {
  if (existsSync(target)) {
    // Another window may have finished the same install meanwhile: keep theirs.
    if (await isAgentRuntimeInstalled(target)) return;
    await assertReplaceable(target);
    if ((await readdir(target)).length === 0) {
      await rmdir(target);
    } else {
      const old = `${target}.old-${randomBytes(4).toString('hex')}`;
      await rename(target, old);
      try {
        await rename(tmp, target);
      } catch (e) {
        await rename(old, target).catch(() => undefined);
        throw e;
      }
      await rm(old, { recursive: true, force: true }).catch(() => undefined);
      return;
    }
  }
  await rename(tmp, target);
}

/** Removes `<name>.tmp-*` / `<name>.old-*` siblings left by an install that died; recent ones may belong to another window's install. */
async function removeStale(target: string): Promise<void> {
  const parent = dirname(target);
  const prefix = basename(target);
  for (const name of await readdir(parent).catch(() => [] as string[])) {
    if (!/^\.(tmp|old)-[0-9a-f]{8}$/.test(name.slice(prefix.length)) || !name.startsWith(prefix)) continue;
    const p = join(parent, name);
    const st = await stat(p).catch(() => undefined);
    if (st && Date.now() - st.mtimeMs > STALE_MS) await rm(p, { recursive: true, force: true }).catch(() => undefined);
  }
}

function throwIfCancelled(signal: AbortSignal | undefined): void {
  if (signal?.aborted) throw new AgentRuntimeInstallError('The agent runtime install was cancelled.', 'Nothing was left behind; install again when ready.', 'cancelled');
}

function lastLines(text: string, n: number): string {
  return text.trim().split('\n').filter(Boolean).slice(-n).join(' | ').slice(0, 1000);
}

interface RunResult {
  code: number;
  stdout: string;
  stderr: string;
}

/** Spawns in its own process group so cancelling stops npm's children (node-gyp, install scripts) too. */
function run(cmd: string, args: string[], o: { cwd?: string; env: NodeJS.ProcessEnv; signal?: AbortSignal; onLine?: (l: string) => void; timeoutMs: number }): Promise<RunResult> {
  throwIfCancelled(o.signal);
  return new Promise<RunResult>((resolvePromise, reject) => {
    const child = spawn(cmd, args, { cwd: o.cwd, env: o.env, stdio: ['ignore', 'pipe', 'pipe'], detached: true });
    let stdout = '';
    let stderr = '';
    let cancelled = false;
    const feed = (chunk: Buffer, into: 'out' | 'err') => {
      const text = chunk.toString('utf8');
      if (into === 'out') stdout = (stdout + text).slice(-200_000);
      else stderr = (stderr + text).slice(-200_000);
      if (o.onLine) for (const l of text.split('\n')) if (l.trim()) o.onLine(l.trimEnd());
    };
    child.stdout.on('data', (c: Buffer) => feed(c, 'out'));
    child.stderr.on('data', (c: Buffer) => feed(c, 'err'));
    const kill = (sig: NodeJS.Signals) => {
      try {
        if (child.pid) process.kill(-child.pid, sig);
      } catch {
        // already gone
      }
    };
    const stop = () => {
      kill('SIGTERM');
      const hardKill = setTimeout(() => kill('SIGKILL'), 3000);
      hardKill.unref();
    };
    const onAbort = () => {
      cancelled = true;
      stop();
    };
    o.signal?.addEventListener('abort', onAbort, { once: true });
    const timer = setTimeout(stop, o.timeoutMs);
    timer.unref();
    child.on('error', (e) => {
      clearTimeout(timer);
      o.signal?.removeEventListener('abort', onAbort);
      reject(e);
    });
    child.on('close', (code, sig) => {
      clearTimeout(timer);
      // hardKill stays armed: install scripts may outlive npm itself.
      o.signal?.removeEventListener('abort', onAbort);
      if (cancelled) {
        reject(new AgentRuntimeInstallError('The agent runtime install was cancelled.', 'Nothing was left behind; install again when ready.', 'cancelled'));
        return;
      }
      resolvePromise({ code: code ?? (sig ? 128 : -1), stdout, stderr });
    });
  });
}
