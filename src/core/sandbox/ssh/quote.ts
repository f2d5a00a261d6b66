/**
 * POSIX shell quoting for command lines that cross an SSH connection.
 *
 * `ssh host a b c` does not pass an argv: it joins its arguments with spaces
 * and the remote user's shell parses the result again. Every argument must
 * therefore be quoted so that the remote shell sees exactly the same bytes.
 * Single quotes are the only POSIX quoting with no special characters inside;
 * a single quote itself is written as '\'' (close, escaped quote, reopen).
 * This requires a POSIX shell (sh, bash, dash, zsh) as the remote login shell.
 */

const SAFE = /^[A-Za-z0-9_@%+=:,./-]+$/;

export function shellQuote(arg: string): string {
  if (arg.includes('\0')) {
    throw new Error('An argument contains a NUL byte, which no shell can pass on. Remove it from the command.');
  }
  if (arg.length > 0 && SAFE.test(arg)) return arg;
  return `'${arg.replace(/'/g, `'\\''`)}'`;
}

export function shellJoin(argv: readonly string[]): string {
  return argv.map(shellQuote).join(' ');
}

/** `K=V` assignments are only valid for POSIX names; anything else is refused. */
export function assertEnvName(name: string): void {
  if (!/^[A-Za-z_][A-Za-z0-9_]*$/.test(name)) {
    throw new Error(`"${name}" is not a valid environment variable name. Use letters, digits and underscores only.`);
  }
}
