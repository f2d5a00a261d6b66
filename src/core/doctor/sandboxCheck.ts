/**
 * The sandbox layers the kernel offers for the local driver: Landlock (and its
 * ABI), bubblewrap, user and network namespaces. Landlock and bubblewrap are
 * judged by the local driver itself (its own detection, so the doctor never
 * disagrees with a run); the namespace rows are direct probes.
 */
import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import type { DriverKind } from '../run/api';
import { SandboxUnavailableError } from '../sandbox/driver';
import { LocalSandboxDriver } from '../sandbox/local';
import { fail, oneLine, pass, skip, warn, type CheckResult } from './types';

const run = promisify(execFile);

export interface SandboxCheckOptions {
  driver: DriverKind;
  /** Launcher binary (tests break it); default: the bundled or compiled one. */
  launcherPath?: string;
  /** bwrap binary; default `bwrap` on PATH. */
  bwrapPath?: string;
  /** util-linux `unshare`, for the namespace probes; default on PATH. */
  unsharePath?: string;
}

export async function checkSandbox(opts: SandboxCheckOptions): Promise<CheckResult[]> {
  if (opts.driver === 'none') {
    return [warn('sandbox.driver', 'sandbox', 'Sandbox', 'driver "none": the agent runs UNSANDBOXED, as you', 'Set nemocognition.sandbox.driver (or --driver) to "local" for a kernel-enforced sandbox.')];
  }
  if (opts.driver === 'nemoclaw') {
    return [skip('sandbox.driver', 'sandbox', 'Sandbox', 'NemoClaw: OpenShell enforces the policy; the local layers are needed inside the sandbox, not here')];
  }
  const out: CheckResult[] = [];
  const driver = new LocalSandboxDriver({ ...(opts.launcherPath ? { launcher: { path: opts.launcherPath } } : {}), ...(opts.bwrapPath ? { bwrapPath: opts.bwrapPath } : {}) });
  try {
    const caps = await driver.capabilities();
    const missing = caps.missing.filter((m) => m.layer.startsWith('landlock'));
    out.push(
      missing.length
        ? warn('sandbox.landlock', 'sandbox', 'Landlock', `ABI ${caps.landlockAbi}; missing: ${[...new Set(missing.map((m) => m.reason))].join('; ')}`, [...new Set(missing.map((m) => m.fix))].join('; '))
        : pass('sandbox.landlock', 'sandbox', 'Landlock', `ABI ${caps.landlockAbi} (filesystem, TCP ports, scopes)`),
    );
    const bw = caps.missing.find((m) => m.layer === 'bwrap-mount-ns');
    out.push(bw ? warn('sandbox.bwrap', 'sandbox', 'bubblewrap', oneLine(bw.reason), bw.fix) : pass('sandbox.bwrap', 'sandbox', 'bubblewrap', `${caps.bwrapPath} (mount, PID and IPC namespaces)`));
  } catch (e) {
    const fix = e instanceof SandboxUnavailableError ? e.fix : 'Rebuild with `npm run build`.';
    const what = e instanceof SandboxUnavailableError ? e.message.slice(0, e.message.length - e.fix.length).trim() : (e as Error).message;
    const aboutBwrap = /bubblewrap|bwrap/i.test(what);
    out.push(aboutBwrap ? pass('sandbox.landlock', 'sandbox', 'Landlock', 'available') : fail('sandbox.landlock', 'sandbox', 'Landlock', oneLine(what), fix));
    out.push(aboutBwrap ? fail('sandbox.bwrap', 'sandbox', 'bubblewrap', oneLine(what), fix) : skip('sandbox.bwrap', 'sandbox', 'bubblewrap', 'not checked: no Landlock'));
  }
  out.push(await probeNamespace(opts, 'user'));
  out.push(await probeNamespace(opts, 'net'));
  return out;
}

/** `unshare --user --map-root-user true` / `unshare --net` (inside a new user namespace unless root). */
async function probeNamespace(opts: SandboxCheckOptions, kind: 'user' | 'net'): Promise<CheckResult> {
  const id = kind === 'user' ? 'sandbox.userns' : 'sandbox.netns';
  const title = kind === 'user' ? 'User namespaces' : 'Network namespace';
  const root = process.getuid?.() === 0;
  const args = kind === 'user' ? ['--user', '--map-root-user', 'true'] : root ? ['--net', 'true'] : ['--user', '--map-root-user', '--net', 'true'];
  const bin = opts.unsharePath ?? 'unshare';
  try {
    await run(bin, args, { timeout: 10_000 });
    return pass(id, 'sandbox', title, kind === 'user' ? 'available' : 'available (the agent can be confined to its own network)');
  } catch (e) {
    const err = e as NodeJS.ErrnoException & { stderr?: string };
    const detail = err.code === 'ENOENT' ? `${bin} not found` : oneLine(err.stderr || err.message);
    const fix =
      err.code === 'ENOENT'
        ? 'Install util-linux (Debian/Ubuntu: sudo apt-get install -y util-linux).'
        : kind === 'user'
          ? 'Allow unprivileged user namespaces (sudo sysctl kernel.unprivileged_userns_clone=1; on Ubuntu 23.10+ an AppArmor profile for bwrap), or run outside a container that forbids them.'
          : 'Allow network namespaces here (they need user namespaces without root), or run outside a container that forbids them.';
    // TODO(nemocog): once the local driver requires its own network namespace (issue 13), a missing one fails a run: make this a failure then.
    return warn(id, 'sandbox', title, detail, fix);
  }
}
