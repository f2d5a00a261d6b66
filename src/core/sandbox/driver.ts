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
   * The model gateway, the one network endpoint the agent must reach.
   *
   * The contract every driver keeps: inside the sandbox, TCP to
   * 127.0.0.1:<port> reaches the gateway (so the agent's config can say
   * http://127.0.0.1:<port>/v1 wherever it runs), and the driver says in its
   * capabilities' `networkRule` what else, if anything, is reachable.
   * - local + bubblewrap: a network namespace holding only `lo`, where a relay
   *   outside the agent's Landlock domain listens on 127.0.0.1:<port> and
   *   pipes each connection to `unixSocket` (the gateway listens there too).
   *   Nothing else is reachable; every other attempt is refused and reported.
   * - local, Landlock only (explicit opt-in): the host's own 127.0.0.1:<port>;
   *   TCP connect is limited to that port by Landlock and to that address by
   *   the seccomp monitor (racy: see the local README).
   * - NemoClaw / SSH: the driver forwards the port into the sandbox (reverse
   *   forward) and its own network policy confines the rest.
   */
  gateway?: { port: number; unixSocket?: string };
  /**
   * Command prefix that puts the sandboxed process into the namespaces where `workdir` is an
   * overlay mount (an overlay-backed branch sandbox, see sandbox/overlay); run before the rest.
   */
  enter?: string[];
}

/** A refused network call, as the sandbox itself saw it (not parsed from a tool's output). */
export interface NetworkRefusal {
  type: 'net';
  verdict: 'deny';
  syscall: 'connect' | 'sendto' | 'sendmsg' | 'sendmmsg';
  proto: 'tcp' | 'udp' | 'raw' | 'seqpacket' | 'unknown';
  family: 'ipv4' | 'ipv6' | 'unix' | 'netlink' | 'other';
  address: string;
  port: number;
  /** Pid inside the sandbox's PID namespace. */
  pid: number;
  /** Why: "not the model gateway", "not TCP"... */
  reason: string;
  /** ms since epoch, when the kernel stopped the call. */
  time: number;
}

/**
 * What the sandbox actually applied, reported by the launcher itself just
 * before it started the command: evidence that the sandbox was on, not merely
 * requested. Drivers that cannot attest leave ExecResult.enforced unset.
 */
export interface EnforcedSandbox {
  type: 'enforced';
  landlock: { abi: number; fs: boolean; tcp: boolean; connectPorts: number[]; bindPorts: number[]; scoped: string[] };
  capsDropped: boolean;
  noNewPrivs: boolean;
  /** Every refused network call is reported (seccomp user notification). */
  netMonitor: boolean;
  /** "127.0.0.1:<port>" when a relay to the gateway ran inside a network namespace. */
  relay?: string;
  /** The sandbox's namespace ids ("net:[4026532177]"), to compare with the host's. */
  namespaces: Record<string, string>;
  /** Network interfaces the sandbox sees ("lo" only in a network namespace). */
  interfaces: string[];
  /** Each path the driver meant to hide, as seen from inside. */
  hidden: Array<{ path: string; state: 'hidden' | 'absent' | 'visible' | 'unreadable' }>;
}

export type SandboxEvent = NetworkRefusal | EnforcedSandbox;

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
  /** Extra paths readable (never writable) for this process only, even inside writable ones (the agent's config and plugin). */
  extraReadOnly?: string[];
  /**
   * Run what the command starts through `$SHELL` in a nested, narrower
   * sandbox: `hide` (the agent's own state: config, secret, transcripts) is
   * unreadable there, `readWrite` are its writable folders besides the
   * workspace, and `home` becomes its HOME. Drivers that cannot nest ignore it
   * and say so in their capabilities.
   */
  toolSandbox?: { hide: string[]; readWrite: string[]; home: string };
  /** Refused network calls and the attestation of what was enforced, as they happen. */
  onSandboxEvent?: (event: SandboxEvent) => void;
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
  /** What the sandbox attested it applied (see EnforcedSandbox); unset when it could not attest. */
  enforced?: EnforcedSandbox;
}

export interface SandboxDriver {
  readonly kind: 'local' | 'nemoclaw' | 'none';
  /** Throws a SandboxUnavailableError saying how to fix it when the driver cannot work here. */
  checkAvailable(): Promise<void>;
  /** What this driver enforces here (layers, versions, the network rule), for spans and the README's claims. */
  capabilities?(): Promise<{ label: string; sandboxed: boolean; networkRule?: string }>;
  /** Runs `argv` inside the sandbox described by `spec`. */
  exec(spec: SandboxSpec, argv: string[], opts?: ExecOptions): Promise<ExecResult>;
}

export class SandboxUnavailableError extends Error {
  constructor(message: string, public readonly fix: string) {
    super(`${message} ${fix}`);
    this.name = 'SandboxUnavailableError';
  }
}
