/**
 * Shared set-up for the local sandbox tests: a launcher compiled from the
 * current C source into a temp folder, temp workspaces, and a policy that
 * lets common tools (bash, coreutils, node) run.
 */
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { createServer, type Server } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { SandboxPolicy, SandboxSpec } from '../../../../src/core/sandbox/driver';
import { LocalSandboxDriver } from '../../../../src/core/sandbox/local/driver';
import { resolveLauncher } from '../../../../src/core/sandbox/local/launcherBinary';
import { missingPart } from '../../../support/realParts';

export type SandboxMode = 'landlock+bwrap' | 'landlock only';
export const hasBwrap = (): boolean => ['/usr/bin/bwrap', '/bin/bwrap', '/usr/local/bin/bwrap'].some((p) => existsSync(p));

/** The driver in one of its two modes (Landlock alone explicitly allowed), on the launcher built from source. */
export function driverFor(ctx: Mocha.Context, mode: SandboxMode, stateRoot: string): LocalSandboxDriver {
  if (mode === 'landlock+bwrap' && !hasBwrap()) missingPart(ctx, 'bubblewrap (apt-get install bubblewrap)');
  return new LocalSandboxDriver({
    launcher: { path: testLauncher() },
    bwrapPath: mode === 'landlock only' ? null : undefined,
    allowLandlockOnly: mode === 'landlock only',
    stateRoot,
  });
}

export const SYSTEM_READ_ONLY = ['/usr', '/bin', '/sbin', '/lib', '/lib32', '/lib64', '/etc', '/proc', '/sys/fs/cgroup', '/sys/devices/system/cpu'];

export function tempDir(prefix: string): { path: string; cleanup: () => void } {
  const path = mkdtempSync(join(tmpdir(), `nc-${prefix}-`));
  return { path, cleanup: () => rmSync(path, { recursive: true, force: true }) };
}

let launcherCache: { dir: string; path: string } | undefined;

/** The launcher built from src/.../nc-landlock.c (so tests exercise the current source). */
export function testLauncher(): string {
  launcherCache ??= (() => {
    const dir = tempDir('launcher').path;
    return { dir, path: resolveLauncher({ preferSource: true, cacheDir: dir }) };
  })();
  return launcherCache.path;
}

export function cleanupLauncher(): void {
  if (launcherCache) rmSync(launcherCache.dir, { recursive: true, force: true });
  launcherCache = undefined;
}

export function policy(extra: Partial<SandboxPolicy> = {}): SandboxPolicy {
  return { name: 'test', readOnly: [...SYSTEM_READ_ONLY, ...(extra.readOnly ?? [])], readWrite: extra.readWrite ?? [], egress: extra.egress ?? [] };
}

export function spec(workdir: string, p: SandboxPolicy = policy(), name = `t-${process.pid}`): SandboxSpec {
  return { name, workdir, policy: p };
}

/** A TCP server on 127.0.0.1 that answers "pong" and closes. */
export async function tcpServer(): Promise<{ port: number; close: () => Promise<void> }> {
  const server: Server = createServer((s) => s.end('pong\n'));
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  const port = (server.address() as { port: number }).port;
  return { port, close: () => new Promise<void>((r) => server.close(() => r())) };
}

/** Whether any host process has `marker` in its command line (used to prove a tree was killed). */
export async function processWithArgs(marker: string, opts: { exact?: boolean } = {}): Promise<boolean> {
  const { readdirSync, readFileSync } = await import('node:fs');
  for (const pid of readdirSync('/proc').filter((d) => /^\d+$/.test(d))) {
    try {
      const cmd = readFileSync(`/proc/${pid}/cmdline`, 'utf8').split('\0').join(' ').trim();
      if (opts.exact ? cmd === marker : cmd.includes(marker)) return true;
    } catch {
      // exited meanwhile
    }
  }
  return false;
}
