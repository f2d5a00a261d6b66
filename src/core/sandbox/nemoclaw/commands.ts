/**
 * EVERY command line the NemoClaw driver issues is built here and nowhere
 * else, each next to the documentation it follows. Unverified against a live
 * NemoClaw/OpenShell (they need Docker and NVIDIA hosts); tested against the
 * documentation-faithful fake in test/fixtures/fake-nemoclaw/.
 *
 * Sources (read 2026-11 through stored copies of the docs):
 * - NemoClaw commands reference, "`nemoclaw <name> snapshot create|list|restore`":
 *   https://docs.nvidia.com/nemoclaw/latest/reference/commands
 *   (repo file NVIDIA/NemoClaw docs/reference/commands.mdx)
 * - NemoClaw "Create and Restore Snapshots":
 *   https://docs.nvidia.com/nemoclaw/user-guide/openclaw/manage-sandboxes/state-and-backups/create-and-restore-snapshots
 *   (repo file NVIDIA/NemoClaw docs/manage-sandboxes/backup-restore.mdx)
 * - NemoClaw snapshot list output and selectors: https://github.com/NVIDIA/NemoClaw/pull/2184
 * - OpenShell CLI reference: https://docs.nvidia.com/openshell/latest/reference/cli
 *   (repo file NVIDIA/OpenShell docs/reference/cli.md) and "Manage Sandboxes"
 *   (docs/sandboxes/manage-sandboxes.mdx: ssh-config, upload, download)
 * - OpenShell "Manage Sandbox Policies" (`openshell policy set <name> --policy <file> --wait`):
 *   https://docs.nvidia.com/openshell/latest/how-it-works/policies/manage-policies
 *   (repo file NVIDIA/OpenShell docs/how-it-works/policies/manage-policies.mdx)
 * - One-shot exec through SSH: https://github.com/NVIDIA/OpenShell/issues/767
 *   ("openshell sandbox ssh-config my-assistant > /tmp/ssh-config;
 *     ssh -T -F /tmp/ssh-config openshell-my-assistant "echo hello"").
 *   Newer OpenShell docs also show `openshell sandbox exec -n <name> -- <cmd>`;
 *   we keep SSH because it works on every version, gives connection reuse and
 *   reverse forwards, and is what Remote-SSH and OpenClaw's OpenShell plugin use.
 */

/** An argv whose first element is the logical program name; the driver maps it to the configured path. */
export type CommandLine = readonly [program: 'nemoclaw' | 'openshell' | 'ssh', ...args: string[]];

/**
 * Documented snapshot timestamp, e.g. `2026-04-21T14-11-25-795Z` (ISO 8601
 * with ':' and '.' replaced by '-'), also the folder name under
 * `~/.nemoclaw/rebuild-backups/<name>/`.
 */
export const SNAPSHOT_TIMESTAMP = /\d{4}-\d{2}-\d{2}T\d{2}-\d{2}-\d{2}-\d{3}Z/;

/** Where NemoClaw keeps snapshots, relative to the home folder of the host running `nemoclaw`. */
export const REBUILD_BACKUPS_DIR = '.nemoclaw/rebuild-backups';

export const nemoclaw = {
  /** `nemoclaw --version` ("Print the installed NemoClaw CLI version"). */
  version: (): CommandLine => ['nemoclaw', '--version'],

  /**
   * `nemoclaw <name> snapshot create [--name <label>]`: "Create a timestamped
   * snapshot of sandbox state" in ~/.nemoclaw/rebuild-backups/<name>/. Labels:
   * 1-63 chars of [A-Za-z0-9._-], alphanumeric first, not like `v1`.
   */
  snapshotCreate: (sandbox: string, label?: string): CommandLine => [
    'nemoclaw',
    sandbox,
    'snapshot',
    'create',
    ...(label ? ['--name', label] : []),
  ],

  /** `nemoclaw <name> snapshot list`: a table of version, name, timestamp and path (vN newest). */
  snapshotList: (sandbox: string): CommandLine => ['nemoclaw', sandbox, 'snapshot', 'list'],

  /**
   * `nemoclaw <name> snapshot restore [selector] [--to <dst>] [--force] [--yes|-y]`.
   * Selector: a version (vN), an exact name, or an exact timestamp. With
   * `--to`, a missing destination is created from the source image: the fork
   * primitive of recovery (`snapshot restore <baseline> --to <name>-recovery-<n>`).
   * An existing destination is refused unless `--force`; `--force` prompts
   * unless `--yes`.
   */
  snapshotRestore: (
    sandbox: string,
    selector: string | undefined,
    opts: { to?: string; force?: boolean } = {},
  ): CommandLine => [
    'nemoclaw',
    sandbox,
    'snapshot',
    'restore',
    ...(selector ? [selector] : []),
    ...(opts.to ? ['--to', opts.to] : []),
    ...(opts.force ? ['--force', '--yes'] : []),
  ],
};

export const openshell = {
  /** `openshell --version` (global flag). */
  version: (): CommandLine => ['openshell', '--version'],

  /** `openshell sandbox ssh-config <name>`: "Print the generated SSH config block for a sandbox" (Host openshell-<name>). */
  sshConfig: (sandbox: string): CommandLine => ['openshell', 'sandbox', 'ssh-config', sandbox],

  /**
   * `openshell sandbox download <sandbox> <path> <dest>` ("openshell sandbox
   * download my-sandbox output ./local"). Sources must resolve inside the
   * sandbox's working directory; a single file lands cp-style.
   */
  download: (sandbox: string, sandboxPath: string, dest: string): CommandLine => [
    'openshell',
    'sandbox',
    'download',
    sandbox,
    sandboxPath,
    dest,
  ],

  /** `openshell sandbox upload <sandbox> <local> [dest]` (dest defaults to the sandbox working directory). */
  upload: (sandbox: string, localPath: string, dest?: string): CommandLine => [
    'openshell',
    'sandbox',
    'upload',
    sandbox,
    localPath,
    ...(dest ? [dest] : []),
  ],

  /**
   * `openshell policy set <name> --policy <file> --wait` ("Replace the Complete
   * Policy"): the gateway validates it, saves a new revision, and with --wait
   * the CLI waits for the sandbox to load it (exit 1 if rejected, 124 on
   * timeout). Network sections apply to the running sandbox; filesystem,
   * Landlock and process sections only take effect when a sandbox starts.
   */
  policySet: (sandbox: string, policyFile: string): CommandLine => ['openshell', 'policy', 'set', sandbox, '--policy', policyFile, '--wait'],

  /** `openshell sandbox list`. */
  list: (): CommandLine => ['openshell', 'sandbox', 'list'],

  /** `openshell sandbox delete <name>`. */
  delete: (sandbox: string): CommandLine => ['openshell', 'sandbox', 'delete', sandbox],
};

/** The SSH host alias `openshell sandbox ssh-config <name>` defines. */
export function sshHostAlias(sandbox: string): string {
  return `openshell-${sandbox}`;
}

/**
 * `ssh -T -F <config> openshell-<name> <command>` (NVIDIA/OpenShell#767).
 * The SSH transport issues this line with extra `-o` options only for
 * connection reuse and liveness (ControlMaster/ControlPath/ControlPersist,
 * BatchMode, ConnectTimeout, ServerAliveInterval); see ssh/transport.ts.
 */
export const ssh = {
  exec: (configFile: string, sandbox: string, remoteCommand: string): CommandLine => [
    'ssh',
    '-T',
    '-F',
    configFile,
    sshHostAlias(sandbox),
    remoteCommand,
  ],
  target: (configFile: string, sandbox: string): { host: string; configFile: string } => ({
    host: sshHostAlias(sandbox),
    configFile,
  }),
};

/**
 * Conservative name check before a name reaches a command line: the documented
 * snapshot-label shape (NemoClaw's own sandbox-name rule was not found in the docs).
 */
export const SANDBOX_NAME = /^[A-Za-z0-9][A-Za-z0-9._-]{0,62}$/;

/** `<name>-recovery-<n>`, the destination of the n-th recovery fork (issue 4, item 7). */
export function recoverySandboxName(sandbox: string, attempt: number): string {
  return `${sandbox}-recovery-${attempt}`;
}
