import { execFileSync } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';

/**
 * Where the agent runtime lives: a pinned OpenClaw CLI and the Node 24 it
 * needs, installed by `installAgentRuntime` (./install; also what
 * `.ci/install-agent-runtime.mjs` runs) into a private folder, never the
 * project's own dependencies.
 *
 * Search order: an explicit `runtimeDir`, then `$NEMOCOG_RUNTIME_DIR` (the VS
 * Code extension sets it before a run from `nemocognition.agent.runtimeDir`
 * or its global storage), then `<repo>/.cache/agent-runtime` in a checkout.
 */

/** The .ci script re-declares these and refuses to run when they differ. */
export const OPENCLAW_VERSION = '2026.9.6';
export const AGENT_NODE_VERSION = '24.21.0';
export const RUNTIME_DIR_ENV = 'NEMOCOG_RUNTIME_DIR';

export interface AgentRuntime {
  dir: string;
  nodeBin: string;
  openclawEntry: string;
  openclawVersion: string;
}

export class AgentRuntimeMissingError extends Error {
  constructor(
    message: string,
    public readonly fix: string,
    public readonly searched: string[],
  ) {
    super(`${message} ${fix}`);
    this.name = 'AgentRuntimeMissingError';
  }
}

export interface LocateOptions {
  /** A folder the user configured; searched first. */
  runtimeDir?: string;
  /** Root of the NemoCognition checkout or install (default: found from this file or the cwd). */
  repoRoot?: string;
  env?: NodeJS.ProcessEnv;
  /** Accept another OpenClaw version than the pinned one (envelope checks may then fail). */
  allowOtherVersion?: boolean;
}

/** The folder that holds `.ci/install-agent-runtime.mjs`, walking up from `start`. */
export function findRepoRoot(start: string): string | undefined {
  let dir = resolve(start);
  for (;;) {
    if (existsSync(join(dir, '.ci', 'install-agent-runtime.mjs'))) return dir;
    const up = dirname(dir);
    if (up === dir) return undefined;
    dir = up;
  }
}

export function runtimeCandidates(opts: LocateOptions = {}): string[] {
  const env = opts.env ?? process.env;
  const here = typeof __dirname === 'string' ? __dirname : process.cwd();
  const root = opts.repoRoot ?? findRepoRoot(here) ?? findRepoRoot(process.cwd());
  const out = [opts.runtimeDir, env[RUNTIME_DIR_ENV], root ? join(root, '.cache', 'agent-runtime') : undefined];
  return [...new Set(out.filter((d): d is string => !!d).map((d) => resolve(d)))];
}

/** Where the two entry points sit inside a runtime folder. */
export function runtimeLayout(dir: string): { nodeBin: string; openclawEntry: string; openclawPackageJson: string } {
  return {
    nodeBin: join(dir, 'node_modules', 'node', 'bin', 'node'),
    openclawEntry: join(dir, 'node_modules', 'openclaw', 'openclaw.mjs'),
    openclawPackageJson: join(dir, 'node_modules', 'openclaw', 'package.json'),
  };
}

/** The runtime in exactly `dir`, or why it is not usable there. */
export function runtimeAt(dir: string, allowOtherVersion = false): AgentRuntime | { problem: string } {
  const { nodeBin, openclawEntry, openclawPackageJson } = runtimeLayout(dir);
  if (!existsSync(nodeBin) || !existsSync(openclawEntry)) return { problem: `${dir}: not installed` };
  let version = '';
  try {
    version = String(JSON.parse(readFileSync(openclawPackageJson, 'utf8')).version ?? '');
  } catch {
    return { problem: `${dir}: unreadable openclaw/package.json` };
  }
  if (version !== OPENCLAW_VERSION && !allowOtherVersion) return { problem: `${dir}: openclaw ${version}, expected ${OPENCLAW_VERSION}` };
  return { dir, nodeBin, openclawEntry, openclawVersion: version };
}

export function locateAgentRuntime(opts: LocateOptions = {}): AgentRuntime {
  const searched = runtimeCandidates(opts);
  const problems: string[] = [];
  for (const dir of searched) {
    const found = runtimeAt(dir, opts.allowOtherVersion);
    if ('problem' in found) problems.push(found.problem);
    else return found;
  }
  throw new AgentRuntimeMissingError(
    `The OpenClaw agent runtime (openclaw@${OPENCLAW_VERSION} on Node ${AGENT_NODE_VERSION}) was not found (${problems.join('; ') || 'no folder to search'}).`,
    `In VS Code run "NemoCognition: Install Agent Runtime"; from a NemoCognition checkout run \`node .ci/install-agent-runtime.mjs\`; or set ${RUNTIME_DIR_ENV} (the setting nemocognition.agent.runtimeDir in VS Code) to a folder where it is installed.`,
    searched,
  );
}

/** `openclaw --version` through the runtime's own Node: proves the pair actually starts. */
export function probeAgentRuntime(rt: AgentRuntime, homeDir: string): string {
  return execFileSync(rt.nodeBin, [rt.openclawEntry, '--version'], { encoding: 'utf8', env: { PATH: process.env.PATH ?? '/usr/bin:/bin', HOME: homeDir }, timeout: 60_000 }).trim();
}
