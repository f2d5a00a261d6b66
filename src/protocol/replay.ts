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

export const PROTOCOL_VERSION = 1;

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
}

/** Persisted with the webview's getState/setState: survives hide/show and reloads. */
export interface ReplayUiState {
  v: 1;
  selectedRunId: string | null;
  selectedNodeId: string | null;
  /** Branch ids the user folded. */
  collapsed: string[];
}

// ---------------------------------------------------------------------------
// Webview -> host

export type WebviewCommand =
  | { type: 'selectRun'; runId: string }
  | { type: 'selectNode'; nodeId: string }
  | { type: 'restoreNode'; nodeId: string }
  | { type: 'restoreBranch'; branchId: string }
  | { type: 'openDiff'; nodeId: string; path?: string }
  | { type: 'toggleBranch'; branchId: string; expanded: boolean }
  | { type: 'runAgent' }
  | { type: 'cancelRun' }
  | { type: 'setApiKey' }
  | { type: 'showOutput' }
  | { type: 'openSettings' };

export type WebviewRequest = { method: 'getRun'; runId: string } | { method: 'getNodeDetail'; nodeId: string };

/** What each request method replies with. */
export interface RequestResults {
  getRun: RunDetail | null;
  getNodeDetail: NodeDetail | null;
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
  | { type: 'settingsChanged'; gutterEnabled: boolean; modelPreset: string };

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
      return isId(v.nodeId) && (v.path === undefined || isRelPath(v.path));
    case 'toggleBranch':
      return isId(v.branchId) && isBool(v.expanded);
    case 'runAgent':
    case 'cancelRun':
    case 'setApiKey':
    case 'showOutput':
    case 'openSettings':
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
      return isId(v.nodeId);
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
    isStr(v.modelPreset, 100)
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
      return isBool(v.gutterEnabled) && isStr(v.modelPreset, 100);
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
};

export function isUiState(v: unknown): v is ReplayUiState {
  return (
    isObj(v) &&
    v.v === 1 &&
    isNullable(v.selectedRunId, isId) &&
    isNullable(v.selectedNodeId, isId) &&
    isArrayOf(v.collapsed, isId, 10_000)
  );
}

export const EMPTY_UI_STATE: ReplayUiState = { v: 1, selectedRunId: null, selectedNodeId: null, collapsed: [] };

/** Narrowing helper for exhaustive switches. */
export function assertNever(x: never): never {
  throw new Error(`Unexpected message: ${JSON.stringify(x as unknown as Obj)}`);
}
