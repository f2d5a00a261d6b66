/**
 * The one typed protocol between the extension host and the Replay webview.
 *
 * Three kinds of messages, as in gitlens' webview protocols:
 *  - commands from the webview (fire and forget: "restore this node"),
 *  - requests from the webview with replies correlated by request id,
 *  - notifications from the host (a node was appended, narration streamed...).
 * Plus the ready handshake: the webview posts `ready`, the host answers with
 * `bootstrap` carrying the whole initial state, so a reloaded or re-shown view
 * never depends on messages it missed while hidden.
 *
 * Imported by both sides; type-only imports from the core model so the webview
 * bundle pulls in no Node code. Every incoming message goes through a guard.
 *
 * Every piece of data the webview shows arrives through this protocol, so any
 * host can serve it: the extension (src/vscode/views), or a static page that
 * answers the same requests from inlined data (the one-file HTML export).
 * Actions only the extension can do (restore, diffs, fork, starting a run)
 * are commands the webview hides when the bootstrap's `capabilities` say the
 * host cannot do them.
 *
 * Version 2 adds: capabilities, the Phoenix endpoint, files changed at a step
 * (two modes) and between two steps, memory files at a step, the multi-file
 * diff, fork from here, and the scrubber's persisted UI state (v1 state is
 * upgraded).
 */
import type { Attributes, Branch, BranchStatus, Node, NodeStatus, Run, RunStatus } from '../core/model/types';
import { NODE_KINDS, NODE_STATUSES } from '../core/model/types';
import {
  isArrayOf,
  isAttributes,
  isBool,
  isId,
  isNullable,
  isNum,
  isObj,
  isOneOf,
  isRelPath,
  isStr,
  type Obj,
} from './check';

export const PROTOCOL_VERSION = 2;

// ---------------------------------------------------------------------------
// View model (what the webview renders)

export { NODE_KINDS, NODE_STATUSES };
export const BRANCH_STATUSES: readonly BranchStatus[] = ['open', 'completed', 'failed', 'cancelled', 'error'];
export const RUN_STATUSES: readonly RunStatus[] = ['running', 'completed', 'failed', 'cancelled', 'error'];

export interface RunDetail {
  run: Run;
  branches: Branch[];
  /** Every node of the run, in (branch, seq) order. */
  nodes: Node[];
}

export interface SpanView {
  spanId: string;
  parentSpanId: string | null;
  name: string;
  /** OpenInference span kind (LLM, TOOL, GUARDRAIL...). */
  kind: string;
  status: NodeStatus;
  attributes: Attributes;
}

export interface NodeDetail {
  node: Node;
  spans: SpanView[];
  snapshot: { snapshotId: string; root: string } | null;
}

export type RunPhase = 'starting' | 'preparing' | 'agent' | 'recovering' | 'finishing';
export const RUN_PHASES: readonly RunPhase[] = ['starting', 'preparing', 'agent', 'recovering', 'finishing'];

/** The run the extension is driving right now, if any. */
export interface ActiveRunView {
  task: string;
  runId: string | null;
  phase: RunPhase;
  message: string;
  startedAt: number;
}

export interface NarrationLine {
  at: number;
  text: string;
}

export type StoreStatus = 'no-workspace' | 'missing' | 'ready' | 'error';

/** What the host can do besides answering requests; the webview hides the controls of what it cannot. */
export interface HostCapabilities {
  /** Restore a node or a branch into the workspace. */
  restore: boolean;
  /** Open diff editors (one file, or the multi-file diff). */
  diff: boolean;
  /** Compare a step with the user's workspace (the host can read it). */
  workspace: boolean;
  /** Fork from here: start an agent on a new branch. */
  fork: boolean;
  /** Start and cancel runs, set the key, open settings, the output and the setup check. */
  run: boolean;
}
export const CAPABILITY_NAMES: readonly (keyof HostCapabilities)[] = ['restore', 'diff', 'workspace', 'fork', 'run'];
export const NO_CAPABILITIES: HostCapabilities = { restore: false, diff: false, workspace: false, fork: false, run: false };

export interface ReplayBootstrap {
  protocolVersion: number;
  workspaceName: string | null;
  store: { status: StoreStatus; message: string | null };
  runs: Run[];
  detail: RunDetail | null;
  active: ActiveRunView | null;
  narration: NarrationLine[];
  gutterEnabled: boolean;
  modelPreset: string;
  capabilities: HostCapabilities;
  /** Base URL of the Phoenix UI spans are mirrored to (http or https), for "Open in Phoenix"; null when none is set. */
  phoenixEndpoint: string | null;
}

/** "What this step changed" (its pre- and post-call snapshots) or "this step vs my workspace". */
export type ChangesMode = 'step' | 'workspace';
export const CHANGES_MODES: readonly ChangesMode[] = ['step', 'workspace'];
export type FileChangeKind = 'added' | 'modified' | 'deleted' | 'type-changed';
export const FILE_CHANGE_KINDS: readonly FileChangeKind[] = ['added', 'modified', 'deleted', 'type-changed'];

export interface FileChangeView {
  path: string;
  /** From the left side to the right side. */
  kind: FileChangeKind;
}

/** Files that differ between two states, each side named in words ("before step 4", "your workspace"). */
export interface ChangesView {
  mode: ChangesMode | 'compare';
  left: string;
  right: string;
  files: FileChangeView[];
  /** Files left out of `files` (the list is capped). */
  more: number;
  /** Why nothing can be compared, when that is the case. */
  note: string | null;
}

export type MemoryFileStatus = 'added' | 'modified' | 'unchanged' | 'deleted';
export interface MemoryFileView {
  path: string;
  /** The file's text at the node; null when binary or too large to show. */
  text: string | null;
  bytes: number;
  /** Its text at the previous memory update (or the branch start); null when absent then or not text. */
  previous: string | null;
  status: MemoryFileStatus;
}
export interface MemoryView {
  /** The node whose snapshot the files come from. */
  atNodeId: string | null;
  /** The memory update compared against; null: compared with the run's baseline. */
  previousNodeId: string | null;
  files: MemoryFileView[];
}

export const SPEEDS: readonly number[] = [0.5, 1, 2, 4, 8];
export const INSPECTOR_TABS = ['steps', 'model', 'policy', 'audit', 'memory', 'files', 'narration', 'attributes'] as const;
export type InspectorTab = (typeof INSPECTOR_TABS)[number];

/** Persisted with the webview's getState/setState: survives hide/show and reloads. */
export interface ReplayUiState {
  v: 2;
  selectedRunId: string | null;
  selectedNodeId: string | null;
  /** Branch ids the user folded in the step list. */
  collapsed: string[];
  /** Branch ids hidden from the DAG and the scrubber. */
  hidden: string[];
  /** Two branch ids shown side by side, or null. */
  compare: [string, string] | null;
  speed: number;
  /** Long idle gaps (model latency, agent start-up) drawn short. */
  compressGaps: boolean;
  filesMode: ChangesMode;
  tab: InspectorTab;
}

// ---------------------------------------------------------------------------
// Webview -> host

export const MAX_INSTRUCTION = 4000;

export type WebviewCommand =
  | { type: 'selectRun'; runId: string }
  | { type: 'selectNode'; nodeId: string }
  | { type: 'restoreNode'; nodeId: string }
  | { type: 'restoreBranch'; branchId: string }
  /** One file's diff (or a pick of the changed files without a path); mode defaults to "workspace". */
  | { type: 'openDiff'; nodeId: string; path?: string; mode?: ChangesMode }
  /** Every changed file at once, in the multi-file diff editor (vscode.changes). */
  | { type: 'openChanges'; nodeId: string; mode: ChangesMode }
  /** Two nodes (e.g. two branch tips) side by side: one file, or all of them. */
  | { type: 'openCompare'; leftNodeId: string; rightNodeId: string; path?: string }
  | { type: 'fork'; nodeId: string; instruction: string }
  | { type: 'toggleBranch'; branchId: string; expanded: boolean }
  | { type: 'runAgent' }
  | { type: 'cancelRun' }
  | { type: 'setApiKey' }
  | { type: 'showOutput' }
  | { type: 'openSettings' }
  | { type: 'checkSetup' };

export type WebviewRequest =
  | { method: 'getRun'; runId: string }
  | { method: 'getNodeDetail'; nodeId: string }
  | { method: 'getChanges'; nodeId: string; mode: ChangesMode }
  | { method: 'getCompare'; leftNodeId: string; rightNodeId: string }
  | { method: 'getMemory'; nodeId: string };

/** What each request method replies with. */
export interface RequestResults {
  getRun: RunDetail | null;
  getNodeDetail: NodeDetail | null;
  getChanges: ChangesView | null;
  getCompare: ChangesView | null;
  getMemory: MemoryView | null;
}
export type RequestMethod = keyof RequestResults;

export type WebviewMessage =
  | { kind: 'ready'; protocolVersion: number }
  | { kind: 'command'; command: WebviewCommand }
  | { kind: 'request'; id: number; request: WebviewRequest };

// ---------------------------------------------------------------------------
// Host -> webview

export type HostNotification =
  | { type: 'runsChanged'; runs: Run[] }
  | { type: 'runUpdated'; detail: RunDetail }
  | { type: 'nodeAppended'; node: Node }
  | { type: 'narration'; line: NarrationLine }
  | { type: 'activeRunChanged'; active: ActiveRunView | null }
  | { type: 'revealNode'; runId: string; nodeId: string }
  | { type: 'storeStatus'; status: StoreStatus; message: string | null }
  | { type: 'settingsChanged'; gutterEnabled: boolean; modelPreset: string; phoenixEndpoint: string | null };

export type HostReply = { kind: 'reply'; id: number; ok: true; result: unknown } | { kind: 'reply'; id: number; ok: false; error: string };

export type HostMessage = { kind: 'bootstrap'; state: ReplayBootstrap } | { kind: 'notify'; notification: HostNotification } | HostReply;

// ---------------------------------------------------------------------------
// Guards: webview -> host (run by the extension host)

const MAX_TEXT = 200_000;

function isCommand(v: unknown): v is WebviewCommand {
  if (!isObj(v)) return false;
  switch (v.type) {
    case 'selectRun':
      return isId(v.runId);
    case 'selectNode':
    case 'restoreNode':
      return isId(v.nodeId);
    case 'restoreBranch':
      return isId(v.branchId);
    case 'openDiff':
      return isId(v.nodeId) && (v.path === undefined || isRelPath(v.path)) && (v.mode === undefined || isOneOf(v.mode, CHANGES_MODES));
    case 'openChanges':
      return isId(v.nodeId) && isOneOf(v.mode, CHANGES_MODES);
    case 'openCompare':
      return isId(v.leftNodeId) && isId(v.rightNodeId) && (v.path === undefined || isRelPath(v.path));
    case 'fork':
      return isId(v.nodeId) && isStr(v.instruction, MAX_INSTRUCTION) && v.instruction.trim().length > 0;
    case 'toggleBranch':
      return isId(v.branchId) && isBool(v.expanded);
    case 'runAgent':
    case 'cancelRun':
    case 'setApiKey':
    case 'showOutput':
    case 'openSettings':
    case 'checkSetup':
      return true;
    default:
      return false;
  }
}

function isRequest(v: unknown): v is WebviewRequest {
  if (!isObj(v)) return false;
  switch (v.method) {
    case 'getRun':
      return isId(v.runId);
    case 'getNodeDetail':
    case 'getMemory':
      return isId(v.nodeId);
    case 'getChanges':
      return isId(v.nodeId) && isOneOf(v.mode, CHANGES_MODES);
    case 'getCompare':
      return isId(v.leftNodeId) && isId(v.rightNodeId);
    default:
      return false;
  }
}

export function isWebviewMessage(v: unknown): v is WebviewMessage {
  if (!isObj(v)) return false;
  switch (v.kind) {
    case 'ready':
      return isNum(v.protocolVersion);
    case 'command':
      return isCommand(v.command);
    case 'request':
      return Number.isSafeInteger(v.id) && (v.id as number) >= 0 && isRequest(v.request);
    default:
      return false;
  }
}

// ---------------------------------------------------------------------------
// Guards: host -> webview (run by the webview)

export function isRun(v: unknown): v is Run {
  return (
    isObj(v) &&
    isId(v.id) &&
    isStr(v.task, MAX_TEXT) &&
    isStr(v.workspace, 4096) &&
    isNullable(v.baselineSnapshotId, isId) &&
    isOneOf(v.status, RUN_STATUSES) &&
    isNum(v.startedAt) &&
    isNullable(v.endedAt, isNum) &&
    isStr(v.driver, 500) &&
    isAttributes(v.meta)
  );
}

export function isBranch(v: unknown): v is Branch {
  return (
    isObj(v) &&
    isId(v.id) &&
    isId(v.runId) &&
    isNullable(v.parentNodeId, isId) &&
    isNullable(v.parentBranchId, isId) &&
    isStr(v.agentId, 500) &&
    isStr(v.label, 500) &&
    isStr(v.sandbox, 4096) &&
    isOneOf(v.status, BRANCH_STATUSES) &&
    isNum(v.openedAt) &&
    isNullable(v.sealedAt, isNum) &&
    isNullable(v.sealReason, (x): x is string => isStr(x, MAX_TEXT))
  );
}

export function isNode(v: unknown): v is Node {
  return (
    isObj(v) &&
    isId(v.id) &&
    isId(v.runId) &&
    isId(v.branchId) &&
    Number.isSafeInteger(v.seq) &&
    isOneOf(v.kind, NODE_KINDS) &&
    isStr(v.name, 2000) &&
    isNullable(v.parentNodeId, isId) &&
    isNum(v.startTime) &&
    isNullable(v.endTime, isNum) &&
    isOneOf(v.status, NODE_STATUSES) &&
    isNullable(v.snapshotId, isId) &&
    isAttributes(v.attributes)
  );
}

export function isRunDetail(v: unknown): v is RunDetail {
  return isObj(v) && isRun(v.run) && isArrayOf(v.branches, isBranch) && isArrayOf(v.nodes, isNode);
}

function isSpanView(v: unknown): v is SpanView {
  return (
    isObj(v) &&
    isStr(v.spanId, 64) &&
    isNullable(v.parentSpanId, (x): x is string => isStr(x, 64)) &&
    isStr(v.name, 2000) &&
    isStr(v.kind, 64) &&
    isOneOf(v.status, NODE_STATUSES) &&
    isAttributes(v.attributes)
  );
}

export function isNodeDetail(v: unknown): v is NodeDetail {
  return (
    isObj(v) &&
    isNode(v.node) &&
    isArrayOf(v.spans, isSpanView) &&
    (v.snapshot === null || (isObj(v.snapshot) && isId(v.snapshot.snapshotId) && isStr(v.snapshot.root, 200)))
  );
}

function isActive(v: unknown): v is ActiveRunView {
  return (
    isObj(v) &&
    isStr(v.task, MAX_TEXT) &&
    isNullable(v.runId, isId) &&
    isOneOf(v.phase, RUN_PHASES) &&
    isStr(v.message, MAX_TEXT) &&
    isNum(v.startedAt)
  );
}

function isNarration(v: unknown): v is NarrationLine {
  return isObj(v) && isNum(v.at) && isStr(v.text, MAX_TEXT);
}

const STORE_STATUSES: readonly StoreStatus[] = ['no-workspace', 'missing', 'ready', 'error'];

function isCapabilities(v: unknown): v is HostCapabilities {
  return isObj(v) && CAPABILITY_NAMES.every((k) => isBool(v[k]));
}

/** An http(s) URL without credentials: the only kind of link the webview builds (never from recorded text). */
export function isPhoenixEndpoint(v: unknown): v is string {
  if (!isStr(v, 2000)) return false;
  try {
    const u = new URL(v);
    return (u.protocol === 'http:' || u.protocol === 'https:') && !u.username && !u.password;
  } catch {
    return false;
  }
}

function isFileChange(v: unknown): v is FileChangeView {
  return isObj(v) && isRelPath(v.path) && isOneOf(v.kind, FILE_CHANGE_KINDS);
}

export function isChangesView(v: unknown): v is ChangesView {
  return (
    isObj(v) &&
    (isOneOf(v.mode, CHANGES_MODES) || v.mode === 'compare') &&
    isStr(v.left, 500) &&
    isStr(v.right, 500) &&
    isArrayOf(v.files, isFileChange, 10_000) &&
    Number.isSafeInteger(v.more) &&
    isNullable(v.note, (x): x is string => isStr(x, 2000))
  );
}

const MEMORY_STATUSES: readonly MemoryFileStatus[] = ['added', 'modified', 'unchanged', 'deleted'];
const isText = (x: unknown): x is string => isStr(x, MAX_TEXT);

function isMemoryFile(v: unknown): v is MemoryFileView {
  return (
    isObj(v) &&
    isRelPath(v.path) &&
    isNullable(v.text, isText) &&
    Number.isSafeInteger(v.bytes) &&
    isNullable(v.previous, isText) &&
    isOneOf(v.status, MEMORY_STATUSES)
  );
}

export function isMemoryView(v: unknown): v is MemoryView {
  return isObj(v) && isNullable(v.atNodeId, isId) && isNullable(v.previousNodeId, isId) && isArrayOf(v.files, isMemoryFile, 200);
}

function isBootstrap(v: unknown): v is ReplayBootstrap {
  return (
    isObj(v) &&
    v.protocolVersion === PROTOCOL_VERSION &&
    isNullable(v.workspaceName, (x): x is string => isStr(x, 4096)) &&
    isObj(v.store) &&
    isOneOf(v.store.status, STORE_STATUSES) &&
    isNullable(v.store.message, (x): x is string => isStr(x, MAX_TEXT)) &&
    isArrayOf(v.runs, isRun) &&
    isNullable(v.detail, isRunDetail) &&
    isNullable(v.active, isActive) &&
    isArrayOf(v.narration, isNarration) &&
    isBool(v.gutterEnabled) &&
    isStr(v.modelPreset, 100) &&
    isCapabilities(v.capabilities) &&
    isNullable(v.phoenixEndpoint, isPhoenixEndpoint)
  );
}

function isNotification(v: unknown): v is HostNotification {
  if (!isObj(v)) return false;
  switch (v.type) {
    case 'runsChanged':
      return isArrayOf(v.runs, isRun);
    case 'runUpdated':
      return isRunDetail(v.detail);
    case 'nodeAppended':
      return isNode(v.node);
    case 'narration':
      return isNarration(v.line);
    case 'activeRunChanged':
      return isNullable(v.active, isActive);
    case 'revealNode':
      return isId(v.runId) && isId(v.nodeId);
    case 'storeStatus':
      return isOneOf(v.status, STORE_STATUSES) && isNullable(v.message, (x): x is string => isStr(x, MAX_TEXT));
    case 'settingsChanged':
      return isBool(v.gutterEnabled) && isStr(v.modelPreset, 100) && isNullable(v.phoenixEndpoint, isPhoenixEndpoint);
    default:
      return false;
  }
}

export function isHostMessage(v: unknown): v is HostMessage {
  if (!isObj(v)) return false;
  switch (v.kind) {
    case 'bootstrap':
      return isBootstrap(v.state);
    case 'notify':
      return isNotification(v.notification);
    case 'reply':
      return Number.isSafeInteger(v.id) && (v.ok === true ? 'result' in v : v.ok === false && isStr(v.error, MAX_TEXT));
    default:
      return false;
  }
}

/** Validates a reply's result against the method that was asked (the webview knows which). */
export const RESULT_GUARDS: { [M in RequestMethod]: (v: unknown) => v is RequestResults[M] } = {
  getRun: (v): v is RunDetail | null => v === null || isRunDetail(v),
  getNodeDetail: (v): v is NodeDetail | null => v === null || isNodeDetail(v),
  getChanges: (v): v is ChangesView | null => v === null || isChangesView(v),
  getCompare: (v): v is ChangesView | null => v === null || isChangesView(v),
  getMemory: (v): v is MemoryView | null => v === null || isMemoryView(v),
};

export const EMPTY_UI_STATE: ReplayUiState = {
  v: 2,
  selectedRunId: null,
  selectedNodeId: null,
  collapsed: [],
  hidden: [],
  compare: null,
  speed: 2,
  compressGaps: true,
  filesMode: 'step',
  tab: 'steps',
};

export function isUiState(v: unknown): v is ReplayUiState {
  return (
    isObj(v) &&
    v.v === 2 &&
    isNullable(v.selectedRunId, isId) &&
    isNullable(v.selectedNodeId, isId) &&
    isArrayOf(v.collapsed, isId, 10_000) &&
    isArrayOf(v.hidden, isId, 10_000) &&
    (v.compare === null || (Array.isArray(v.compare) && v.compare.length === 2 && v.compare.every(isId))) &&
    SPEEDS.includes(v.speed as number) &&
    isBool(v.compressGaps) &&
    isOneOf(v.filesMode, CHANGES_MODES) &&
    isOneOf(v.tab, INSPECTOR_TABS)
  );
}

/** Persisted state of any version this webview has written, upgraded to the current one; null when unusable. */
export function upgradeUiState(v: unknown): ReplayUiState | null {
  if (isUiState(v)) return v;
  if (isObj(v) && v.v === 1 && isNullable(v.selectedRunId, isId) && isNullable(v.selectedNodeId, isId) && isArrayOf(v.collapsed, isId, 10_000)) {
    return { ...EMPTY_UI_STATE, selectedRunId: v.selectedRunId, selectedNodeId: v.selectedNodeId, collapsed: v.collapsed };
  }
  return null;
}

/** Narrowing helper for exhaustive switches. */
export function assertNever(x: never): never {
  throw new Error(`Unexpected message: ${JSON.stringify(x as unknown as Obj)}`);
}
