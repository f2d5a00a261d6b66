/**
 * The supervised run's public surface, used by the VS Code commands and the CLI.
 * Implemented in ./supervisor.ts (lead). No `vscode` import.
 */
import type { StoreEvent } from '../model/events';
import type { Branch, Node, Run } from '../model/types';
import type { BranchEnforcement } from './enforcement';
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
  /**
   * How branch sandbox folders are made: `overlay` (a mount over a read-only copy shared by the
   * run's branches: O(changed) per branch), `copy` (a full copy each), `auto` (overlay where the
   * kernel allows it, else copy; the default with the local driver).
   */
  branchFolders?: 'auto' | 'overlay' | 'copy';
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
  /**
   * Run the local sandbox with Landlock alone when bubblewrap is missing or
   * broken. A weaker sandbox (pathname sockets reachable, network filtered by
   * port): only an explicit user choice (a machine-scoped setting, or
   * `nemocog run --allow-landlock-only`), labelled on every run.
   */
  allowLandlockOnly?: boolean;
  /** Tests only: load this supervisor plugin module instead of the bundled one (e.g. a broken one). */
  pluginEntry?: string;
  /**
   * Every event this run journals, once durable, in journal order, with its
   * journal seq: what a remote launcher replicates into its own store.
   */
  onRecord?: (seq: number, event: StoreEvent) => void;
  /** The run id, when the launcher must know it beforehand (the NemoClaw driver labels its snapshots with it). */
  runId?: string;
  /** Extra run metadata, e.g. the NemoClaw sandbox and its baseline snapshot. */
  runMeta?: Record<string, string>;
  /** What the record calls the driver (default `driver`), e.g. `nemoclaw:my-assistant`. */
  recordedDriver?: string;
  /** What the record calls the branch sandbox (default `<driver>:<label>`), e.g. `nemoclaw:my-assistant-recovery-1`. */
  sandboxLabel?: string;
  /**
   * The launcher materialises recovery sandboxes itself (NemoClaw's
   * `snapshot restore --to`): when a branch needs recovery, seal it, leave the
   * run open and return a `handoff` in the summary instead of forking here.
   */
  recoveryHandoff?: boolean;
  /** Continue a run begun in another sandbox with a recovery branch (see RunContinuation). */
  continuation?: RunContinuation;
  /** With driver `nemoclaw`: the NemoClaw sandbox and how to reach it. */
  nemoclaw?: NemoClawRunOptions;
}

export interface NemoClawRunOptions {
  /** The sandbox the run starts in (onboarded with `nemoclaw onboard`). */
  sandbox: string;
  nemoclawPath?: string;
  openshellPath?: string;
  sshPath?: string;
  /** How to start NemoCognition's CLI inside the sandbox (default `nemocog`). */
  sandboxCli?: string[];
  /**
   * Folder inside the sandbox that receives the workspace, relative to the
   * sandbox's working directory. Default `.openclaw/workspace`: OpenClaw's
   * workspace, a state directory that NemoClaw snapshots include, so
   * `snapshot restore --to` carries it into recovery sandboxes.
   */
  sandboxWorkspace?: string;
  /** Extra environment for the `nemoclaw`/`openshell` processes. */
  env?: Record<string, string>;
}

/** Where and why the next recovery branch forks: what a launcher needs to run it elsewhere. */
export interface RecoveryHandoff {
  runId: string;
  /** 1 for the first recovery. */
  attempt: number;
  /** The node the recovery branch forks from (the baseline checkpoint). */
  forkNodeId: string;
  /** Root tree hash the recovery sandbox must start from (the run's baseline). */
  baselineRoot: string;
  /** The correction prompt for the recovery agent. */
  message: string;
  /** Why the failed branch needs recovery. */
  why: string;
}

/** A recovery branch run in a fresh sandbox, continuing a run recorded so far in `records`. */
export interface RunContinuation extends RecoveryHandoff {
  /** The run's events so far, in journal order: imported into this store before the branch opens. */
  records: StoreEvent[];
  /** The command line that materialised this sandbox (recorded on the recovery node). */
  restoreCommand?: string;
  /** Extra attributes for the recovery node (e.g. the forensic snapshot of the failed sandbox). */
  attributes?: Record<string, string>;
}

export interface RunListener {
  /** Human narration, streamed as the run goes ("Snapshot before exec: npm test", "Kernel denied write to /etc/x"). */
  narration?(text: string, at: number): void;
  phase?(phase: 'preparing' | 'agent' | 'recovering' | 'finishing', message: string): void;
  /** Something the user must see even if not watching the narration (supervision weaker than planned). */
  warning?(text: string): void;
  branch?(branch: Branch): void;
  node?(node: Node): void;
  /** A journaled event of the run (seq, event), streamed by a remote supervisor for replication. */
  record?(seq: number, event: StoreEvent): void;
  /**
   * A branch's sandbox folder is ready: `workdir` is where the agent works; `view` is where this
   * process reads its content (the merged view of an overlay, seen from outside its namespace).
   */
  sandbox?(info: { branchId: string; label: string; workdir: string; view: string; kind: 'overlay' | 'copy' }): void;
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
  /** Per branch: the supervision mode and the sandbox layers actually enforced (attested from inside). */
  enforcement?: BranchEnforcement[];
  /** Set when the run waits for its launcher to fork the next recovery sandbox (recoveryHandoff). */
  handoff?: RecoveryHandoff;
}
