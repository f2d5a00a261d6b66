/**
 * Builds the command line `[bwrap ... --] nc-landlock ... -- argv`. Pure
 * (apart from looking at which host paths exist), so that what the sandbox
 * gets is easy to read in a test or a span. Three groups of arguments, each
 * built by its own function: the mounts (bwrapArgs), the Landlock rules
 * (landlockArgs) and the network (networkArgs).
 */
import { lstatSync, realpathSync } from 'node:fs';
import { dirname } from 'node:path';

export interface SandboxNetwork {
  /** bubblewrap --unshare-net: the sandbox sees only `lo` (needs bwrap). */
  isolate: boolean;
  /** The model gateway: relayed to its Unix socket when isolated, allowed by address and port when monitored. */
  gateway?: { port: number; unixSocket?: string };
  /** Refuse and report every connect/send with an address except TCP to the gateway (seccomp monitor). */
  monitor: boolean;
  /** More IPv4 "address:port" TCP destinations the monitor lets through (policy egress given by address). */
  allowTcp?: string[];
}

export interface SandboxLayout {
  launcher: string;
  /** Absent: Landlock only, no mount/PID/network namespaces. */
  bwrap?: string;
  landlockAbi: number;
  cwd: string;
  readOnly: string[];
  readWrite: string[];
  /** Readable only, even when inside a writable folder: bound read-only by bwrap, `--ro` for Landlock. */
  readOnlyOverlays?: string[];
  connectPorts: number[];
  /** Host folder used as this sandbox's /tmp (bwrap) or TMPDIR (Landlock only). */
  privateTmp: string;
  /** Host paths to make unreachable (bwrap only); missing ones are skipped. */
  hide: string[];
  allowDegraded: boolean;
  isRoot: boolean;
  net?: SandboxNetwork;
  /** The launcher's fd for JSON events (refusals, the attestation); unset: no events, no attestation. */
  eventsFd?: number;
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

/** Host paths under /tmp that the sandbox needs: bound back on top of the private /tmp. */
export function reboundUnderTmp(layout: SandboxLayout): string[] {
  const socketDir = layout.net?.gateway?.unixSocket ? [dirname(layout.net.gateway.unixSocket)] : [];
  // The launcher's folder, not just its file: nc-tool-shell is a link beside it.
  const needed = [...layout.readOnly, ...layout.readWrite, ...(layout.readOnlyOverlays ?? []), ...socketDir, dirname(layout.launcher), layout.cwd]
    .map(real)
    .filter((p) => under(p, '/tmp') && p !== '/tmp' && !under(p, real(layout.privateTmp)) && exists(p));
  return [...new Set(needed)].sort((a, b) => a.length - b.length);
}

/** The hidden paths bubblewrap actually covers (with an empty tmpfs or /dev/null). */
export function coveredHiddenPaths(layout: SandboxLayout): Array<{ path: string; how: 'tmpfs' | 'null' }> {
  if (!layout.bwrap) return [];
  const rebound = reboundUnderTmp(layout);
  const out: Array<{ path: string; how: 'tmpfs' | 'null' }> = [];
  for (const p of layout.hide) {
    const target = real(p);
    // Under /tmp and not bound back: the private /tmp already hides it.
    if (under(target, '/tmp') && !rebound.some((r) => under(target, r))) continue;
    const kind = kindOf(target);
    if (kind === 'dir') out.push({ path: target, how: 'tmpfs' });
    else if (kind === 'other') out.push({ path: target, how: 'null' });
  }
  return out;
}

function bwrapArgs(layout: SandboxLayout): string[] {
  const args = ['--die-with-parent', '--unshare-pid', '--unshare-ipc', '--unshare-cgroup-try', '--new-session'];
  if (layout.net?.isolate) args.push('--unshare-net');
  // As root bwrap keeps every capability unless told otherwise; keep only
  // CAP_SETPCAP, which the launcher needs to empty the bounding set (--drop-caps).
  if (layout.isRoot) args.push('--cap-drop', 'ALL', '--cap-add', 'CAP_SETPCAP');
  // The host tree as it is (Landlock decides what is reachable), with a
  // private /dev, /proc for the new PID namespace and the sandbox's own /tmp.
  args.push('--bind', '/', '/', '--dev', '/dev', '--proc', '/proc', '--bind', layout.privateTmp, '/tmp');
  // Host paths under /tmp that the sandbox needs (the workspace in tests,
  // the launcher in a cache) are bound back on top of the private /tmp.
  for (const p of reboundUnderTmp(layout)) args.push('--bind', p, p);
  // Read-only even for the agent (its config and its supervisor plugin): EROFS on any write.
  for (const p of layout.readOnlyOverlays ?? []) if (exists(p)) args.push('--ro-bind', p, p);
  for (const h of coveredHiddenPaths(layout)) {
    if (h.how === 'tmpfs') args.push('--tmpfs', h.path);
    else args.push('--ro-bind', '/dev/null', h.path);
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
  for (const p of [...BASELINE_RO, ...layout.readOnly, ...(layout.readOnlyOverlays ?? [])]) args.push('--ro', p);
  for (const p of [...BASELINE_RW, tmp, ...layout.readWrite]) args.push('--rw', p);
  for (const port of [...new Set(layout.connectPorts)]) args.push('--connect-port', String(port));
  if (layout.landlockAbi >= 6) args.push('--scope-unix', '--scope-signal');
  args.push('--drop-caps');
  if (layout.allowDegraded) args.push('--allow-degraded');
  return args;
}

/** The relay, the monitor and the events fd (with the attestation of what was applied). */
function networkArgs(layout: SandboxLayout): string[] {
  const args: string[] = [];
  const net = layout.net;
  const gw = net?.gateway;
  if (net?.isolate && layout.bwrap && gw?.unixSocket) args.push('--relay', `${gw.port}=${gw.unixSocket}`);
  if (net?.monitor) {
    args.push('--monitor-net');
    const allow = [...(gw ? [`127.0.0.1:${gw.port}`] : []), ...(net.allowTcp ?? [])];
    for (const a of [...new Set(allow)]) args.push('--allow-tcp', a);
  }
  if (layout.eventsFd !== undefined) {
    args.push('--events-fd', String(layout.eventsFd), '--attest');
    for (const h of coveredHiddenPaths(layout)) args.push('--hidden', h.path);
  }
  return args;
}

export function buildCommand(layout: SandboxLayout, argv: string[]): string[] {
  const inner = [layout.launcher, ...landlockArgs(layout), ...networkArgs(layout), '--', ...argv];
  return layout.bwrap ? [layout.bwrap, ...bwrapArgs(layout), '--', ...inner] : inner;
}
