import { spawnSync } from 'node:child_process';
import { mkdirSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { build } from 'esbuild';
import { AgentRuntimeMissingError, locateAgentRuntime, type AgentRuntime } from '../../src/core/bridge/openclaw/runtime';
import { missingPart } from './realParts';

/** Shared by every test that needs the real OpenClaw CLI. */

export const REPO_ROOT = resolve(__dirname, '..', '..');
let cached: { runtime?: AgentRuntime; skipReason?: string } | undefined;

/**
 * The pinned agent runtime for a test that needs the real OpenClaw, installing
 * it (npm registry) when it is missing. When it cannot be installed the test
 * fails under CI and is skipped loudly elsewhere (test/support/realParts.ts).
 */
export function requireAgentRuntimeInstalled(ctx: Mocha.Context): AgentRuntime {
  const rt = ensureAgentRuntime();
  if (!rt.runtime) missingPart(ctx, rt.skipReason ?? 'the OpenClaw agent runtime');
  return rt.runtime;
}

function ensureAgentRuntime(): { runtime?: AgentRuntime; skipReason?: string } {
  if (cached) return cached;
  try {
    cached = { runtime: locateAgentRuntime({ repoRoot: REPO_ROOT }) };
    return cached;
  } catch (e) {
    if (!(e instanceof AgentRuntimeMissingError)) throw e;
  }
  process.stderr.write('[agent-runtime] not installed: running node .ci/install-agent-runtime.mjs (takes about 2 minutes)\n');
  const r = spawnSync(process.execPath, [join(REPO_ROOT, '.ci', 'install-agent-runtime.mjs')], { stdio: ['ignore', 'inherit', 'inherit'], timeout: 10 * 60_000 });
  try {
    cached = { runtime: locateAgentRuntime({ repoRoot: REPO_ROOT }) };
  } catch (e) {
    const reason = `the OpenClaw agent runtime could not be installed (installer exit ${r.status ?? r.signal}): ${(e as Error).message}`;
    process.stderr.write(`\n!!!!!!!!!! SKIPPING REAL OPENCLAW TESTS: ${reason} !!!!!!!!!!\n\n`);
    cached = { skipReason: reason };
  }
  return cached;
}

/** Bundles the supervisor plugin from source the way esbuild.mjs does for dist/openclaw-plugin/index.mjs. */
export async function buildSupervisorPlugin(outDir: string): Promise<string> {
  mkdirSync(outDir, { recursive: true });
  const outfile = join(outDir, 'index.mjs');
  await build({
    entryPoints: [join(REPO_ROOT, 'src/core/bridge/openclaw/plugin/index.ts')],
    bundle: true,
    platform: 'node',
    format: 'esm',
    target: 'node20',
    outfile,
    logLevel: 'silent',
  });
  return outfile;
}
