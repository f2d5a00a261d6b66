/**
 * Host paths the sandbox must not reach although Landlock would not stop it:
 * Landlock does not mediate connect() on pathname Unix sockets, so a Docker
 * socket or an SSH agent stays usable unless a mount namespace covers it.
 */
import { homedir } from 'node:os';
import { dirname } from 'node:path';

export const DEFAULT_HIDDEN_PATHS = [
  '/var/run/docker.sock',
  '/run/docker.sock',
  '/run/containerd',
  '/run/podman',
  '/run/dbus',
  '/run/user', // per-user runtime folders: keyrings, SSH and GPG agents, D-Bus session bus, Wayland
  '/run/snapd.socket',
  '/etc/shadow', // readable by a root agent under a read-only /etc otherwise
  '/etc/gshadow',
];

const BROAD_DIRS = new Set(['/', '/tmp', '/var/tmp', '/run', '/var/run', '/dev', '/dev/shm']);

/** Hides the SSH agent: its dedicated folder when it has one, the socket itself otherwise. */
export function sshAgentPaths(env: NodeJS.ProcessEnv = process.env): string[] {
  const sock = env.SSH_AUTH_SOCK;
  if (!sock || !sock.startsWith('/')) return [];
  const dir = dirname(sock);
  return BROAD_DIRS.has(dir) || dir === homedir() ? [sock] : [dir];
}
