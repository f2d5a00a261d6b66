/**
 * Guards for tests on real parts. Outside CI a missing part skips the test
 * loudly (a developer may lack bubblewrap or the agent runtime); in CI
 * (CI=true) a missing part fails it: .ci/run installs them all, so their
 * absence is a broken build, not a reason to test less.
 */
import { execFileSync } from 'node:child_process';
import { locateAgentRuntime } from '../../src/core/bridge/openclaw';
import { LocalSandboxDriver } from '../../src/core/sandbox/local';

/** Outside CI: skip loudly. Under CI (CI=true): fail with the reason, because `npm test` installs every part. */
export function missingPart(ctx: Mocha.Context, what: string): never {
  const msg = `REAL PART MISSING: ${what}`;
  if (process.env.CI === 'true') throw new Error(`${msg} (\`npm test\` installs it through .ci/ensure-deps.mjs; under CI its absence is a broken build)`);
  console.warn(`\n    ⚠ ${msg} — skipping`);
  ctx.skip();
  throw new Error('unreachable: mocha skip');
}

export function requireAgentRuntime(ctx: Mocha.Context): void {
  try {
    locateAgentRuntime();
  } catch (e) {
    missingPart(ctx, `the OpenClaw runtime (${(e as Error).message})`);
  }
}

export async function requireLandlock(ctx: Mocha.Context): Promise<void> {
  try {
    await new LocalSandboxDriver().checkAvailable();
  } catch (e) {
    missingPart(ctx, `the local sandbox (${(e as Error).message})`);
  }
}

export function requireBinary(ctx: Mocha.Context, bin: string, why: string): void {
  try {
    execFileSync('sh', ['-c', `command -v ${bin}`], { stdio: 'ignore' });
  } catch {
    missingPart(ctx, `${bin} (${why})`);
  }
}
