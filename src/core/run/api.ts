/**
 * The supervised run's public surface, used by the VS Code commands and the CLI.
 * Implemented in ./supervisor.ts (lead). No `vscode` import.
 */
import type { Branch, Node, Run } from '../model/types';
import type { PolicyWidening } from '../sandbox/policy/widening';

export type DriverKind = 'local' | 'nemoclaw' | 'none';

export interface ModelEndpoint {
  /** OpenAI-compatible base URL, e.g. https://integrate.api.nvidia.com/v1 or the demo model's URL. */
  baseUrl: string;
  model: string;
  /** The user's key (from SecretStorage). Never enters the sandbox, never recorded. */
  apiKey?: string;
  reasoning?: 'adaptive' | 'off';
}

/** Two agents taking turns in one shared sandbox (see pairTurns.ts). */
export interface PairOptions {
  /** OpenClaw agent ids. */
  coder: string;
  reviewer: string;
  /** Reviews at most; the coder answers each review that asks for a fix. */
  reviewRounds: number;
}

export interface SupervisedRunOptions {
  workspace: string;
  task: string;
  driver: DriverKind;
  /** Run on another host over SSH (a ~/.ssh/config alias); undefined = this machine. */
  remoteHost?: string;
  /** The workspace folder on the remote host (default: the same path as `workspace`). */
  remoteWorkspace?: string;
  /** How to start NemoCognition's CLI on the remote host (default: `nemocog`). */
  remoteCli?: string[];
  /** Size budget of the snapshot store; oldest unreferenced snapshots go first. */
  snapshotBudgetBytes?: number;
  /** Keep each branch's working copy after the run (default: removed; its snapshots keep everything). The agent's state folder is always removed. */
  keepSandboxes?: boolean;
  model: ModelEndpoint;
  /** OpenShell-style policy YAML; default: <workspace>/.nemocognition/policy.yaml or the built-in default. */
  policyFile?: string;
  /**
   * Asked when the policy allows more than the built-in default (a repository's own policy may be hostile):
   * true runs it. Without it, or on false, such a policy is refused (PolicyNotApprovedError).
   */
  approvePolicy?: (widening: PolicyWidening) => boolean | Promise<boolean>;
  maxRecoveries: number;
  /** Per agent turn. */
  timeoutMs: number;
  snapshotIgnore?: string[];
  /** Run two agents taking turns (coder, then reviewer...) instead of one. */
  pair?: PairOptions;
  /** Store folder; default <workspace>/.nemocognition. */
  storeDir?: string;
  signal?: AbortSignal;
}

export interface RunListener {
  /** Human narration, streamed as the run goes ("Snapshot before exec: npm test", "Kernel denied write to /etc/x"). */
  narration?(text: string, at: number): void;
  phase?(phase: 'preparing' | 'agent' | 'recovering' | 'finishing', message: string): void;
  branch?(branch: Branch): void;
  node?(node: Node): void;
}

export interface RunSummary {
  run: Run;
  branches: Branch[];
  denials: number;
  recoveries: number;
  snapshots: number;
  toolCalls: number;
  /** The branch whose result the user would restore (the last completed one), if any. */
  resultBranchId: string | null;
  /** A user-facing message when the run did not complete. */
  problem?: { message: string; fix: string };
}
