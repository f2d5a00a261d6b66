/**
 * The run model: a run holds branches; a branch holds an ordered list of nodes.
 * A branch is sealed when it ends and never changes again; a recovery is a new
 * branch whose parent is the node it forks from. No `vscode` import here.
 */

export type NodeKind =
  | 'model_call' // an LLM request/response through the gateway
  | 'tool_call' // one tool invocation by the agent
  | 'policy_decision' // an allow/deny by the sandbox, the supervisor or the kernel
  | 'checkpoint' // a workspace snapshot
  | 'memory_update' // the agent's memory/state files changed
  | 'recovery' // the orchestrator decided to fork a recovery branch
  | 'narration' // human-readable commentary on what is happening
  | 'agent_turn' // one whole `openclaw agent` invocation (the envelope)
  | 'error'; // a fault (agent killed, model down, malformed envelope, ...)

export type NodeStatus = 'ok' | 'error' | 'unset';

/** Every node kind and status, for validating what comes from disk or a webview. */
export const NODE_KINDS: readonly NodeKind[] = ['model_call', 'tool_call', 'policy_decision', 'checkpoint', 'memory_update', 'recovery', 'narration', 'agent_turn', 'error'];
export const NODE_STATUSES: readonly NodeStatus[] = ['ok', 'error', 'unset'];

export type BranchStatus = 'open' | 'completed' | 'failed' | 'cancelled' | 'error';

export type RunStatus = 'running' | 'completed' | 'failed' | 'cancelled' | 'error';

/** Attribute values follow OTLP's scalar/array rules so they map 1:1 onto span attributes. */
export type AttrValue = string | number | boolean | string[] | number[] | boolean[];
export type Attributes = Record<string, AttrValue>;

export interface Run {
  id: string;
  task: string;
  /** Absolute path of the user's workspace folder. */
  workspace: string;
  /** Snapshot of the workspace when the run started: every branch can be rebuilt from it. */
  baselineSnapshotId: string | null;
  status: RunStatus;
  startedAt: number;
  endedAt: number | null;
  /** Where the agent ran: 'local', 'nemoclaw', 'ssh:<host>'... */
  driver: string;
  meta: Attributes;
}

export interface Branch {
  id: string;
  runId: string;
  /** The node this branch forks from (null for a run's first branch). */
  parentNodeId: string | null;
  /** The branch this one forks from (null for a run's first branch). */
  parentBranchId: string | null;
  /** Which agent acted on this branch: several agents fit in one run's DAG. */
  agentId: string;
  label: string;
  /** Sandbox this branch ran in (a folder, or a NemoClaw sandbox name). */
  sandbox: string;
  status: BranchStatus;
  openedAt: number;
  sealedAt: number | null;
  /** Why the branch ended: success summary, the denial, the cancel, the fault. */
  sealReason: string | null;
}

export interface Node {
  id: string;
  runId: string;
  branchId: string;
  /** Position in the branch, 0-based, dense. */
  seq: number;
  kind: NodeKind;
  /** Short human title: "exec: npm test", "gpt call #3", "deny write /etc/motd". */
  name: string;
  /** The node (usually in the same branch) this node is causally under, e.g. a policy decision under its tool call. */
  parentNodeId: string | null;
  startTime: number; // ms since epoch
  endTime: number | null; // null while still open
  status: NodeStatus;
  /** Snapshot taken for this node (checkpoints and pre-tool-call snapshots). */
  snapshotId: string | null;
  /** OpenInference / OTel attributes; scrubbed of secrets before they get here. */
  attributes: Attributes;
}

export const TERMINAL_BRANCH_STATUSES: readonly BranchStatus[] = ['completed', 'failed', 'cancelled', 'error'];

export function isSealed(b: Pick<Branch, 'status'>): boolean {
  return b.status !== 'open';
}
