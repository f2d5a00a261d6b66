/**
 * Builds the command line `[bwrap ... --] nc-landlock ... -- argv`. Pure, so
 * that what the sandbox gets is easy to read in a test or a span.
 */
import { lstatSync, realpathSync } from 'node:fs';

export interface SandboxLayout {
  launcher: string;
  /** Absent: Landlock only, no mount/PID namespaces. */
  bwrap?: string;
  landlockAbi: number;
  cwd: string;
  readOnly: string[];
  readWrite: string[];
  connectPorts: number[];
  /** Host folder used as this sandbox's /tmp (bwrap) or TMPDIR (Landlock only). */
  privateTmp: string;
  /** Host paths to make unreachable (bwrap only); missing ones are skipped. */
  hide: string[];
  allowDegraded: boolean;
  isRoot: boolean;
}

/** Always reachable: device nodes that almost every program opens. */
const BASELINE_RO = ['/dev/urandom', '/dev/random', '/dev/zero', '/dev/full'];
const BASELINE_RW = ['/dev/null'];

function real(path: string): string {
  try {
    return realpathSync(path);
  } catch {
    return path;
  }
}

function under(path: string, dir: string): boolean {
  return path === dir || path.startsWith(dir.endsWith('/') ? dir : `${dir}/`);
}

/** The folder the sandboxed process sees as its temporary folder. */
export function tmpInside(layout: Pick<SandboxLayout, 'bwrap' | 'privateTmp'>): string {
  return layout.bwrap ? '/tmp' : layout.privateTmp;
}

function bwrapArgs(layout: SandboxLayout): string[] {
  const args = ['--die-with-parent', '--unshare-pid', '--unshare-ipc', '--unshare-cgroup-try', '--new-session'];
  // As root bwrap keeps every capability unless told otherwise; keep only
  // CAP_SETPCAP, which the launcher needs to empty the bounding set (--drop-caps).
  if (layout.isRoot) args.push('--cap-drop', 'ALL', '--cap-add', 'CAP_SETPCAP');
  // The host tree as it is (Landlock decides what is reachable), with a
  // private /dev, /proc for the new PID namespace and the sandbox's own /tmp.
  args.push('--bind', '/', '/', '--dev', '/dev', '--proc', '/proc', '--bind', layout.privateTmp, '/tmp');
  // Host paths under /tmp that the sandbox needs (the workspace in tests,
  // the launcher in a cache) are bound back on top of the private /tmp.
  const needed = [...layout.readOnly, ...layout.readWrite, layout.launcher, layout.cwd]
    .map(real)
    .filter((p) => under(p, '/tmp') && p !== '/tmp' && !under(p, real(layout.privateTmp)) && exists(p));
  const rebound = [...new Set(needed)].sort((a, b) => a.length - b.length);
  for (const p of rebound) args.push('--bind', p, p);
  for (const p of layout.hide) {
    const target = real(p);
    // Under /tmp and not bound back: the private /tmp already hides it.
    if (under(target, '/tmp') && !rebound.some((r) => under(target, r))) continue;
    const kind = kindOf(target);
    if (kind === 'dir') args.push('--tmpfs', target);
    else if (kind === 'other') args.push('--ro-bind', '/dev/null', target);
  }
  args.push('--chdir', layout.cwd);
  return args;
}

function exists(path: string): boolean {
  return kindOf(path) !== 'missing';
}

function kindOf(path: string): 'dir' | 'other' | 'missing' {
  try {
    return lstatSync(path).isDirectory() ? 'dir' : 'other';
  } catch {
    return 'missing';
  }
}

function landlockArgs(layout: SandboxLayout): string[] {
  const args: string[] = [];
  const tmp = tmpInside(layout);
  // With bwrap, a host path under /tmp is visible at the same place (bound back above).
  for (const p of [...BASELINE_RO, ...layout.readOnly]) args.push('--ro', p);
  for (const p of [...BASELINE_RW, tmp, ...layout.readWrite]) args.push('--rw', p);
  for (const port of [...new Set(layout.connectPorts)]) args.push('--connect-port', String(port));
  if (layout.landlockAbi >= 6) args.push('--scope-unix', '--scope-signal');
  args.push('--drop-caps');
  if (layout.allowDegraded) args.push('--allow-degraded');
  return args;
}

export function buildCommand(layout: SandboxLayout, argv: string[]): string[] {
  const inner = [layout.launcher, ...landlockArgs(layout), '--', ...argv];
  return layout.bwrap ? [layout.bwrap, ...bwrapArgs(layout), '--', ...inner] : inner;
}
