/**
 * One interface over every place an agent can run: a kernel-enforced local
 * sandbox, a NemoClaw/OpenShell sandbox, and either of them on another host
 * over SSH. No `vscode` import.
 */

export interface SandboxPolicy {
  /** Paths the agent may read (besides its own writable ones). */
  readOnly: string[];
  /** Paths the agent may write. */
  readWrite: string[];
  /** Allowed network egress, e.g. "127.0.0.1:8080", "integrate.api.nvidia.com:443". */
  egress: Array<{ host: string; port: number }>;
  /** Free-form name of the policy (file name or preset) for spans. */
  name: string;
}

export interface SandboxSpec {
  /** Stable name, e.g. "nc-<run>-main" or "nc-<run>-recovery-1". */
  name: string;
  /** Folder (on the sandbox's host) holding the branch's working copy. */
  workdir: string;
  policy: SandboxPolicy;
  /**
   * Command prefix that puts the sandboxed process into the namespaces where `workdir` is an
   * overlay mount (an overlay-backed branch sandbox, see sandbox/overlay); run before the rest.
   */
  enter?: string[];
}

export interface ExecOptions {
  cwd?: string;
  env?: Record<string, string>;
  /** Extra paths writable for this process only (agent state, TMPDIR). */
  extraReadWrite?: string[];
  timeoutMs?: number;
  signal?: AbortSignal;
  stdin?: string;
  /** Called with stdout/stderr chunks as they arrive. */
  onOutput?: (stream: 'stdout' | 'stderr', chunk: string) => void;
  /** Hard cap on captured stdout bytes (the rest is dropped and `truncated` set). */
  maxStdoutBytes?: number;
}

export interface ExecResult {
  exitCode: number | null;
  signal: string | null;
  stdout: string;
  stderr: string;
  timedOut: boolean;
  cancelled: boolean;
  truncated: boolean;
  durationMs: number;
  /** How the process was isolated, e.g. 'landlock abi 7 + bwrap' or 'UNSANDBOXED'. */
  isolation?: string;
}

export interface SandboxDriver {
  readonly kind: 'local' | 'nemoclaw' | 'none';
  /** Throws a SandboxUnavailableError saying how to fix it when the driver cannot work here. */
  checkAvailable(): Promise<void>;
  /** What this driver enforces here (layers, versions), for spans and the README's claims. */
  capabilities?(): Promise<{ label: string; sandboxed: boolean }>;
  /** Runs `argv` inside the sandbox described by `spec`. */
  exec(spec: SandboxSpec, argv: string[], opts?: ExecOptions): Promise<ExecResult>;
}

export class SandboxUnavailableError extends Error {
  constructor(message: string, public readonly fix: string) {
    super(`${message} ${fix}`);
    this.name = 'SandboxUnavailableError';
  }
}
