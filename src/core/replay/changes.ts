/**
 * The Replay view's snapshot-backed answers (pure over a snapshot reader, no
 * `vscode` import, no Node API): the files a step changed, a step against the
 * workspace, two steps side by side, and the memory files at a step. "The
 * state at a step" is core/replay/stepState's, so these agree with restore and
 * fork. Two hosts answer the webview with them: the extension (over the
 * snapshot engine) and the one-file HTML replay (core/share/reader.ts, over
 * its inlined data).
 */
import type { FileChange } from '../snapshots/api';
import type { Branch, Node } from '../model/types';
import { lineageOf, markedMemoryPaths, ownSnapshot, previousMemoryUpdate, stepSnapshots, type RunNodes } from './stepState';
import { isMemoryPath } from '../run/toolText';
import type { ChangesMode, ChangesView, FileChangeKind, MemoryFileView, MemoryView } from '../../protocol/replay';

/** What these answers need of the snapshot engine. */
export interface SnapshotReader {
  diff(aId: string, bId: string): FileChange[];
  diffLive(id: string, root: string): Promise<FileChange[]>;
  listFiles(id: string): string[];
  readFile(id: string, relPath: string): Buffer | undefined;
  /** A file's text as the Memory tab shows it, for a reader that holds text rather than bytes; default: from readFile. */
  readText?(id: string, relPath: string): FileText | undefined;
}

/** A file's text (null when binary or too large to show) and its size in bytes. */
export interface FileText {
  text: string | null;
  bytes: number;
}

export interface RunDetailLike extends RunNodes {
  branches: readonly Pick<Branch, 'id' | 'parentNodeId' | 'label'>[];
}

export const MAX_FILES_LISTED = 500;
export const MAX_MEMORY_FILES = 40;
export const MAX_MEMORY_TEXT = 64 * 1024;

/** "step 4 of recovery-1": how diff titles and the Files tab name a node. */
export function stepName(detail: RunDetailLike, node: Pick<Node, 'branchId' | 'seq'>): string {
  const label = detail.branches.find((b) => b.id === node.branchId)?.label ?? 'a branch';
  return `${label} step ${node.seq + 1}`;
}

/** Files only, never the directories that hold them. */
function files(changes: readonly FileChange[]): FileChange[] {
  return changes.filter((c) => (c.after ?? c.before)?.type !== 'dir');
}

function view(mode: ChangesView['mode'], left: string, right: string, changes: Array<{ path: string; kind: FileChangeKind }>, note: string | null = null): ChangesView {
  const sorted = [...changes].sort((a, b) => a.path.localeCompare(b.path));
  return { mode, left, right, files: sorted.slice(0, MAX_FILES_LISTED), more: Math.max(0, sorted.length - MAX_FILES_LISTED), note };
}

/** The other direction of a change: what is "added" from A to B is "deleted" from B to A. */
function reversed(kind: FileChangeKind): FileChangeKind {
  return kind === 'added' ? 'deleted' : kind === 'deleted' ? 'added' : kind;
}

export async function changesAt(engine: SnapshotReader, detail: RunDetailLike, nodeId: string, mode: ChangesMode, workspaceRoot: string | null): Promise<ChangesView | null> {
  const node = detail.nodes.find((n) => n.id === nodeId);
  if (!node) return null;
  const name = stepName(detail, node);
  const { before, after } = stepSnapshots(detail, nodeId);
  if (mode === 'step') {
    if (!before || !after) return view('step', `before ${name}`, `after ${name}`, [], 'No snapshot was recorded at or before this step.');
    const changes = before === after ? [] : files(engine.diff(before, after));
    return view('step', `before ${name}`, `after ${name}`, changes.map((c) => ({ path: c.path, kind: c.kind })), changes.length ? null : 'This step changed no file.');
  }
  if (!after) return view('workspace', 'your workspace', `after ${name}`, [], 'No snapshot was recorded at or before this step.');
  if (!workspaceRoot) return view('workspace', 'your workspace', `after ${name}`, [], 'Comparing with your workspace needs the editor (the workspace is not available here).');
  // diffLive goes snapshot -> workspace; the list reads workspace -> step, as the diff editor shows it.
  const changes = files(await engine.diffLive(after, workspaceRoot));
  return view('workspace', 'your workspace', `after ${name}`, changes.map((c) => ({ path: c.path, kind: reversed(c.kind) })), changes.length ? null : 'Your workspace matches this step.');
}

export function compareAt(engine: SnapshotReader, detail: RunDetailLike, leftNodeId: string, rightNodeId: string): ChangesView | null {
  const l = detail.nodes.find((n) => n.id === leftNodeId);
  const r = detail.nodes.find((n) => n.id === rightNodeId);
  if (!l || !r) return null;
  const a = stepSnapshots(detail, leftNodeId).after;
  const b = stepSnapshots(detail, rightNodeId).after;
  const left = `after ${stepName(detail, l)}`;
  const right = `after ${stepName(detail, r)}`;
  if (!a || !b) return view('compare', left, right, [], 'One of the two steps has no snapshot at or before it.');
  const changes = a === b ? [] : files(engine.diff(a, b));
  return view('compare', left, right, changes.map((c) => ({ path: c.path, kind: c.kind })), changes.length ? null : 'The two steps hold the same files.');
}

function textOf(bytes: Buffer | undefined): FileText | undefined {
  if (!bytes) return undefined;
  if (bytes.length > MAX_MEMORY_TEXT || bytes.subarray(0, 8000).includes(0)) return { text: null, bytes: bytes.length };
  return { text: bytes.toString('utf8'), bytes: bytes.length };
}

/**
 * The agent's memory and state files as they were at the node (MEMORY.md,
 * memory/, notes, and any path the run marked as memory), each with its text
 * at the previous memory update of the lineage (or the run's baseline).
 */
export function memoryAt(engine: SnapshotReader, detail: RunDetailLike, nodeId: string): MemoryView | null {
  if (!detail.nodes.some((n) => n.id === nodeId)) return null;
  const { after, afterNodeId } = stepSnapshots(detail, nodeId);
  const prevNode = previousMemoryUpdate(detail, nodeId);
  const prevSnap = prevNode ? ownSnapshot(prevNode) : detail.run.baselineSnapshotId;
  const marked = markedMemoryPaths(lineageOf(detail, nodeId));
  const isMemory = (p: string) => isMemoryPath(p) || marked.has(p);
  const now = after ? engine.listFiles(after).filter(isMemory) : [];
  const then = prevSnap && prevSnap !== after ? engine.listFiles(prevSnap).filter(isMemory) : now;
  const paths = [...new Set([...now, ...then])].sort().slice(0, MAX_MEMORY_FILES);
  const out: MemoryFileView[] = paths.map((path) => {
    const read = (id: string) => (engine.readText ? engine.readText(id, path) : textOf(engine.readFile(id, path)));
    const cur = after ? read(after) : undefined;
    const old = prevSnap ? read(prevSnap) : undefined;
    const status: MemoryFileView['status'] = !cur ? 'deleted' : !old ? 'added' : cur.text === old.text && cur.bytes === old.bytes ? 'unchanged' : 'modified';
    return { path, text: cur?.text ?? null, bytes: cur?.bytes ?? 0, previous: old?.text ?? null, status };
  });
  return { atNodeId: afterNodeId, previousNodeId: prevNode?.id ?? null, files: out };
}
