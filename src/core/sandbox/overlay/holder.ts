import { spawn, type ChildProcess } from 'node:child_process';
import { findOnPath } from '../../platform/findOnPath';

/**
 * The process that holds a branch sandbox's overlay mount: `unshare` makes a user and mount
 * namespace in which this user may mount, `mount -t overlay` lays the branch's upper folder over
 * the shared lower one at the sandbox path, the lower folder is bound read-only (so nothing in
 * the namespace can write it, whatever Landlock allows), and a nested user namespace maps this
 * user back to itself, so that processes entering it run as who they are, with no capability.
 * The holder then sleeps; it dies with the supervisor (`setpriv --pdeathsig KILL`).
 *
 * - The agent enters it with `nsenter --target <pid> --user --mount --preserve-credentials`
 *   before bubblewrap and Landlock (`enter`), and sees the merged view at the sandbox path.
 * - The supervisor reads the same merged view, from outside, at `/proc/<pid>/root<sandbox path>`
 *   (`view`); the upper folder is a plain folder on the host.
 *
 * Mount options name the layers by paths relative to `cwd` (names NemoCognition chose), so no
 * path from the user (commas, colons) ever reaches the option string. Checked on Linux 6.x with
 * util-linux 2.38 as root and as an unprivileged user; kernels before 5.11 (no overlay in user
 * namespaces) or distributions that forbid unprivileged user namespaces make `start` fail, and
 * the caller falls back to a full copy.
 */

export interface OverlayHolder {
  pid: number;
  /** The sandbox path (the mount point inside the holder's namespace). */
  target: string;
  /** Where the supervisor reads the merged view. */
  view: string;
  /** Command prefix that runs a process inside the holder's namespaces. */
  enter: string[];
  close(): Promise<void>;
}

export class OverlayUnavailableError extends Error {
  constructor(why: string) {
    super(`An overlay mount for the branch sandbox could not be made: ${why}`);
    this.name = 'OverlayUnavailableError';
  }
}

const SCRIPT = [
  'mount -t overlay overlay -o "lowerdir=$1,upperdir=$2,workdir=$3,userxattr" "$4" || exit 97',
  'mount --bind "$1" "$1" && mount -o remount,bind,ro "$1" || exit 98',
  // "ready" comes from inside the final namespaces: the view through /proc/<pid>/root is stable from then on.
  'exec unshare --user --map-user="$5" --map-group="$6" --mount --propagation private sh -c "echo ready; exec sleep infinity"',
].join('\n');

/** Where util-linux's programs live, for a PATH that leaves them out. */
const SYSTEM_DIRS = ['/usr/bin', '/bin', '/usr/sbin', '/sbin'];
const which = (name: string): string | undefined => findOnPath(name, process.env.PATH, SYSTEM_DIRS);

/** The programs the holder needs, or why it cannot run here. */
export function holderTools(): { setpriv: string; unshare: string; nsenter: string } | string {
  if (process.platform !== 'linux') return 'overlay sandboxes need Linux';
  const setpriv = which('setpriv');
  const unshare = which('unshare');
  const nsenter = which('nsenter');
  const missing = [!setpriv && 'setpriv', !unshare && 'unshare', !nsenter && 'nsenter', !which('mount') && 'mount'].filter(Boolean);
  if (missing.length) return `${missing.join(', ')} not found (util-linux)`;
  return { setpriv: setpriv!, unshare: unshare!, nsenter: nsenter! };
}

export interface HolderLayers {
  /** Folder the layer paths are relative to. */
  cwd: string;
  lower: string;
  upper: string;
  work: string;
  /** Absolute sandbox path: an empty folder, the mount point. */
  target: string;
}

export async function startHolder(layers: HolderLayers, timeoutMs = 15_000): Promise<OverlayHolder> {
  const tools = holderTools();
  if (typeof tools === 'string') throw new OverlayUnavailableError(tools);
  for (const p of [layers.lower, layers.upper, layers.work]) {
    if (!/^[A-Za-z0-9._/-]+$/.test(p) || p.startsWith('/')) throw new OverlayUnavailableError(`layer path "${p}" must be a plain relative path`);
  }
  const uid = String(process.getuid?.() ?? 0);
  const gid = String(process.getgid?.() ?? 0);
  const child = spawn(
    tools.setpriv,
    ['--pdeathsig', 'KILL', '--', tools.unshare, '--user', '--map-root-user', '--mount', '--propagation', 'private', '--', 'sh', '-c', SCRIPT, 'nc-overlay', layers.lower, layers.upper, layers.work, layers.target, uid, gid],
    { cwd: layers.cwd, stdio: ['ignore', 'pipe', 'pipe'] },
  );
  let out = '';
  let err = '';
  child.stdout!.on('data', (d: Buffer) => (out += d.toString()));
  child.stderr!.on('data', (d: Buffer) => (err += d.toString()));
  const exited = new Promise<number | null>((res) => child.on('exit', (code) => res(code)));
  child.on('error', () => undefined);
  const ready = await new Promise<boolean>((resolve) => {
    const timer = setTimeout(() => resolve(false), timeoutMs);
    const check = (): void => {
      if (out.includes('ready\n')) {
        clearTimeout(timer);
        resolve(true);
      }
    };
    child.stdout!.on('data', check);
    void exited.then(() => {
      clearTimeout(timer);
      resolve(out.includes('ready\n'));
    });
  });
  if (!ready || child.exitCode !== null) {
    child.kill('SIGKILL');
    const code = await exited;
    const why = code === 97 ? 'mount -t overlay failed' : code === 98 ? 'the lower layer could not be made read-only' : `the holder exited (${code ?? 'timeout'})`;
    throw new OverlayUnavailableError(`${why}: ${err.trim().split('\n').slice(-2).join(' ') || 'no message'}`);
  }
  // Whatever sleep prints is irrelevant; keep the pipes drained.
  child.stdout!.resume();
  child.stderr!.resume();
  const pid = child.pid!;
  return {
    pid,
    target: layers.target,
    view: `/proc/${pid}/root${layers.target}`,
    enter: [tools.nsenter, `--target=${pid}`, '--user', '--mount', '--preserve-credentials', `--wd=${layers.target}`, '--'],
    close: () => stopHolder(child, exited),
  };
}

async function stopHolder(child: ChildProcess, exited: Promise<number | null>): Promise<void> {
  if (child.exitCode === null && child.signalCode === null) child.kill('SIGKILL');
  await exited;
}
