/** Typed NemoClaw/OpenShell failures, each with a fix the user can act on. */

export type NemoClawErrorKind =
  | 'missing-cli'
  | 'command-failed'
  | 'not-found'
  | 'exists'
  | 'shields-up'
  | 'unparseable-output'
  | 'invalid-name';

export class NemoClawError extends Error {
  constructor(
    public readonly kind: NemoClawErrorKind,
    public readonly what: string,
    public readonly fix: string,
    /** The command line that failed (argv, no secrets: these CLIs take none on the command line). */
    public readonly argv: readonly string[] = [],
    public readonly stderr = '',
  ) {
    super(`${what} ${fix}`);
    this.name = 'NemoClawError';
  }
}

export const INSTALL_NEMOCLAW = 'Install NemoClaw with `curl -fsSL https://www.nvidia.com/nemoclaw.sh | bash` (it also installs OpenShell), then run `nemoclaw onboard`';
