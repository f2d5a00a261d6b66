/**
 * What may be given to `ssh` as the destination. The remote host comes from a
 * setting a cloned repository can write (`nemocognition.sandbox.remoteHost`)
 * and from sandbox names: a value starting with `-` would be read by ssh as an
 * option (`-oProxyCommand=...` runs a local command). Only plain host aliases,
 * host names and addresses, optionally with `user@`, are accepted; the
 * transport also puts `--` before the destination, so even a value that got
 * past this check could not become an option.
 */

const USER = /^[A-Za-z0-9_][A-Za-z0-9._-]{0,63}$/;
// Host aliases and names (letters, digits, '.', '_', '-'), IPv4, and IPv6 (':', '%zone').
const HOST = /^[A-Za-z0-9_][A-Za-z0-9._:%-]{0,252}$/;

export class InvalidHostError extends Error {
  readonly fix: string;
  constructor(readonly value: string, why: string) {
    super(`"${printable(value)}" is not an SSH host NemoCognition will connect to: ${why}.`);
    this.name = 'InvalidHostError';
    this.fix =
      'Use a host alias from ~/.ssh/config (letters, digits, ".", "_", "-"), optionally as user@host. Put options such as ProxyCommand or Port in ~/.ssh/config under that alias, never in the host setting.';
  }
}

function printable(s: string): string {
  const clipped = s.length > 80 ? `${s.slice(0, 80)}…` : s;
  return clipped.replace(/[\u0000-\u001f\u007f]/g, (c) => `\\x${c.charCodeAt(0).toString(16).padStart(2, '0')}`);
}

/** Why `value` is not an acceptable ssh destination, or null when it is. */
export function hostAliasProblem(value: string): string | null {
  if (typeof value !== 'string' || value.length === 0) return 'it is empty';
  if (value.startsWith('-')) return 'it starts with "-", so ssh would read it as an option';
  if (/\s/.test(value)) return 'it contains whitespace';
  if (/[\u0000-\u001f\u007f]/.test(value)) return 'it contains control characters';
  const at = value.lastIndexOf('@');
  const user = at >= 0 ? value.slice(0, at) : null;
  const host = at >= 0 ? value.slice(at + 1) : value;
  if (user !== null && !USER.test(user)) return 'the user name before "@" has characters ssh user names do not have';
  if (!HOST.test(host)) return 'the host has characters outside letters, digits, ".", "_", "-", ":" and "%"';
  return null;
}

/** Returns `value` when it is a plain `[user@]host`; throws InvalidHostError otherwise. */
export function assertHostAlias(value: string): string {
  const problem = hostAliasProblem(value);
  if (problem) throw new InvalidHostError(value, problem);
  return value;
}
