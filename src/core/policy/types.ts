/**
 * What the policy layer says about a tool call before it runs, and the shape
 * of every allow/deny decision (from the kernel, the supervisor, the gateway
 * or OpenClaw itself) recorded as a GUARDRAIL span.
 */

export interface DimensionScore {
  /** 0..1 */
  score: number;
  reasons: string[];
}

export interface BlastRadius extends DimensionScore {
  /** Absolute paths (or patterns) the call can change. */
  paths: string[];
  /** Those of `paths` outside the workspace. */
  outsideWorkspace: string[];
  recursive: boolean;
  globs: boolean;
  /** Targets not knowable before running (variables, xargs, stdin, scripts). */
  unknownTargets: boolean;
}

export interface Reversibility extends DimensionScore {
  /** 1 = fully undone by restoring the pre-call snapshot; 0 = cannot be undone. */
  score: number;
  reversible: boolean;
}

export type ToolKind = 'shell' | 'write' | 'edit' | 'patch' | 'read' | 'process' | 'web' | 'browser' | 'spawn' | 'message' | 'automation' | 'memory' | 'unknown';

export interface NetworkTarget {
  host: string;
  port: number | null;
  /** True when the call changes something remotely (POST, push, upload, ssh command...). */
  sideEffect: boolean;
}

export interface Classification {
  toolName: string;
  kind: ToolKind;
  destructive: DimensionScore;
  securitySensitive: DimensionScore;
  cost: DimensionScore;
  blastRadius: BlastRadius;
  reversibility: Reversibility;
  /** Absolute paths the call writes (deletes, truncates, moves, chmods...). */
  writes: string[];
  /** Absolute paths the call reads. */
  reads: string[];
  network: NetworkTarget[];
  /** Command names a shell call runs, wrappers included (sudo, env...). */
  commands: string[];
  /** Highest of destructive, security, cost, blast radius and 1 - reversibility. */
  risk: number;
  /** Every reason, prefixed with its dimension. */
  reasons: string[];
  parseWarnings: string[];
}

/** The sandbox policy as the supervisor sees it (variables already expanded to absolute paths). */
export interface ToolPolicy {
  name?: string;
  readWrite?: string[];
  readOnly?: string[];
  egress?: Array<{ host: string; port: number }>;
  /** Tool names refused outright (case-insensitive). */
  deniedTools?: string[];
  /** Refuse calls whose destructive score reaches this. Default 1 (only catastrophic ones: rm -rf /, mkfs, dd to a disk). */
  blockDestructiveAt?: number;
  /** Refuse calls whose security score reaches this. Default: never on score alone. */
  blockSecuritySensitiveAt?: number;
  /**
   * Refuse writes outside the workspace and `readWrite` before they run. Default true.
   * Set false when a kernel-enforced sandbox refuses them anyway: the denial then
   * comes from the kernel, which is the stronger evidence.
   */
  enforceFilesystem?: boolean;
  /** Refuse network targets not in `egress` (when `egress` is given). Default true. */
  enforceEgress?: boolean;
  /**
   * The workspace, for `fileToolsInsideWorkspace`: file tools (read, write,
   * edit, apply_patch) run in the agent's own process, outside the tools'
   * nested sandbox, so their paths must resolve inside it (symlinks followed).
   */
  workspace?: string;
  fileToolsInsideWorkspace?: boolean;
}

export interface ClassifyInput {
  toolName: string;
  params: unknown;
  /** Absolute path of the folder the agent works in (the branch's sandbox folder). */
  workspace: string;
  /** The agent's home inside the sandbox (for `~`); defaults to the process's HOME. */
  home?: string;
  policy?: ToolPolicy;
}

export type DecisionSource = 'kernel' | 'supervisor' | 'gateway' | 'openclaw';

export interface PolicyDecision {
  decision: 'allow' | 'deny';
  source: DecisionSource;
  /** Stable rule id, e.g. "fs.write_outside_rw", "net.egress_not_allowed", "kernel.landlock.fs". */
  rule: string;
  /** Human sentence: what was refused and why. */
  detail: string;
  path?: string;
  host?: string;
  port?: number;
  toolName?: string;
  toolCallId?: string;
}
