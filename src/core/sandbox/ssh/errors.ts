/**
 * Typed SSH failures. OpenSSH reports every failure of its own as exit code
 * 255 plus a line on stderr; the remote command's own exit code 255 looks the
 * same, so classification needs the stderr text (and, when that is silent, a
 * check of the master connection, done by the transport).
 */

export type SshErrorKind =
  | 'not-installed'
  | 'refused'
  | 'auth'
  | 'host-unknown'
  | 'host-key'
  | 'unreachable'
  | 'dropped'
  | 'forward-failed'
  | 'transfer-failed'
  | 'unknown';

export class SshError extends Error {
  constructor(
    public readonly kind: SshErrorKind,
    /** What happened, in one sentence. */
    public readonly what: string,
    /** What the user should do about it. */
    public readonly fix: string,
    /** Raw stderr from ssh (already trimmed; never contains key material). */
    public readonly stderr = '',
  ) {
    super(`${what} ${fix}`);
    this.name = 'SshError';
  }
}

export interface SshTarget {
  /** Host alias or name as given to ssh. */
  host: string;
  /** Config file given with -F, if any. */
  configFile?: string;
}

function where(t: SshTarget): string {
  return t.configFile ? `"${t.host}" (from ${t.configFile})` : `"${t.host}"`;
}

/**
 * Maps ssh's stderr to a typed error, or returns undefined when stderr holds
 * no recognised ssh failure (the exit code may then be the remote command's).
 */
export function classifySshStderr(stderr: string, target: SshTarget): SshError | undefined {
  const s = stderr.trim();
  const w = where(target);
  const cfg = target.configFile ? ` -F ${target.configFile}` : '';
  if (/Connection refused/i.test(s)) {
    return new SshError(
      'refused',
      `SSH connection to ${w} was refused: nothing listens on that address and port.`,
      `Check that sshd runs on that host (e.g. \`systemctl status ssh\`) and that HostName/Port in the ssh config are right; test with \`ssh${cfg} ${target.host} true\`.`,
      s,
    );
  }
  if (/kex_exchange_identification|ssh_exchange_identification/i.test(s)) {
    return new SshError(
      'refused',
      `The server at ${w} closed the connection before the SSH handshake: it is not an SSH server, or sshd is refusing new connections (MaxStartups).`,
      `Check that sshd runs on that host and port (e.g. \`systemctl status ssh\`) and try \`ssh${cfg} ${target.host} true\`.`,
      s,
    );
  }
  if (/Permission denied \(/i.test(s) || /Too many authentication failures/i.test(s)) {
    return new SshError(
      'auth',
      `SSH authentication to ${w} failed: the server accepted none of our keys.`,
      `Add your public key to the remote ~/.ssh/authorized_keys (e.g. \`ssh-copy-id ${target.host}\`) or set IdentityFile for this host in the ssh config.`,
      s,
    );
  }
  if (/Could not resolve hostname|Name or service not known|No address associated/i.test(s)) {
    return new SshError(
      'host-unknown',
      `SSH host ${w} is unknown: its name does not resolve.`,
      `Check the Host alias in ~/.ssh/config (or the config given with -F) and its HostName.`,
      s,
    );
  }
  if (/Host key verification failed|REMOTE HOST IDENTIFICATION HAS CHANGED|No .* host key is known/i.test(s)) {
    return new SshError(
      'host-key',
      `SSH refused ${w}: its host key is not the one recorded in known_hosts (or none is recorded and strict checking is on).`,
      `Verify the host's key out of band, then update known_hosts (\`ssh-keygen -R <host>\` and connect once interactively).`,
      s,
    );
  }
  if (/Connection timed out|Operation timed out|No route to host|Network is unreachable|Connection timeout/i.test(s)) {
    return new SshError(
      'unreachable',
      `SSH host ${w} could not be reached over the network.`,
      `Check the network path to the host (VPN, firewall, HostName) and try \`ssh${cfg} ${target.host} true\`.`,
      s,
    );
  }
  if (/remote port forwarding failed|Port forwarding failed|forwarding request failed/i.test(s)) {
    return new SshError(
      'forward-failed',
      `SSH reverse port forward on ${w} was refused by the server.`,
      `Allow forwarding in the remote sshd_config (\`AllowTcpForwarding yes\`) and check the remote port is free.`,
      s,
    );
  }
  if (
    /closed by remote host|Connection reset|Broken pipe|Connection closed by|Shared connection to .* closed|mux_client_request_session|Control socket connect|client_loop: send disconnect/i.test(
      s,
    )
  ) {
    return droppedError(target, s);
  }
  return undefined;
}

export function droppedError(target: SshTarget, stderr = ''): SshError {
  return new SshError(
    'dropped',
    `The SSH connection to ${where(target)} dropped while a command was running; its result is unknown.`,
    `Check that the host and its sshd are still up, then run the step again (the recorded branch is kept).`,
    stderr.trim(),
  );
}

export function notInstalledError(sshPath: string): SshError {
  return new SshError(
    'not-installed',
    `The OpenSSH client (${sshPath}) was not found.`,
    `Install it (Debian/Ubuntu: \`sudo apt-get install -y openssh-client\`) or set the ssh path in the settings.`,
  );
}
