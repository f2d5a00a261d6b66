/**
 * The shared replay's answers to the Replay app (pure, no Node API: it runs in
 * the page, in webview/static-host): protocol v2's requests answered from the
 * inlined data with the same functions the extension uses
 * (core/replay/changes.ts), over a snapshot reader backed by `states` and
 * `baseline` instead of the snapshot engine; and what the diff dialog shows
 * for one file on each side.
 */
import type { FileChange } from '../snapshots/api';
import { changesAt, compareAt, memoryAt, MAX_MEMORY_TEXT, stepName, type FileText, type SnapshotReader } from '../replay/changes';
import { stepSnapshots } from '../replay/stepState';
import type { ChangesView, NodeDetail, RequestResults, WebviewRequest } from '../../protocol/replay';
import type { SharedFile, SharedReplayData } from './format';

/** The file at a snapshot: its content, or null when the snapshot holds no such file. Undefined: the snapshot is not in the data. */
export function fileAt(data: SharedReplayData, snapshotId: string, path: string): SharedFile | null | undefined {
  const state = data.states[snapshotId];
  if (!state) return undefined;
  if (Object.prototype.hasOwnProperty.call(state, path)) return state[path] ?? null;
  return Object.prototype.hasOwnProperty.call(data.baseline, path) ? data.baseline[path]! : null;
}

function entry(f: SharedFile, path: string): NonNullable<FileChange['after']> {
  return { name: path.split('/').pop() ?? path, type: 'file', mode: 0, size: f.bytes, hash: f.id };
}

/** A snapshot reader over the inlined data. It knows only the files the run changed and the memory files; that is all the replay asks. */
export function sharedSnapshotReader(data: SharedReplayData): SnapshotReader {
  const missing = (id: string) => new Error(`Snapshot ${id} is not in this shared replay.`);
  return {
    diff(a, b) {
      const sa = data.states[a];
      const sb = data.states[b];
      if (!sa || !sb) throw missing(sa ? b : a);
      const out: FileChange[] = [];
      for (const path of new Set([...Object.keys(sa), ...Object.keys(sb)])) {
        const x = fileAt(data, a, path) ?? null;
        const y = fileAt(data, b, path) ?? null;
        if (x && y) {
          if (x.id !== y.id) out.push({ path, kind: 'modified', before: entry(x, path), after: entry(y, path) });
        } else if (y) out.push({ path, kind: 'added', after: entry(y, path) });
        else if (x) out.push({ path, kind: 'deleted', before: entry(x, path) });
      }
      return out.sort((p, q) => p.path.localeCompare(q.path));
    },
    diffLive() {
      return Promise.reject(new Error('A shared replay has no workspace to compare with.'));
    },
    listFiles(id) {
      const s = data.states[id];
      if (!s) throw missing(id);
      const paths = new Set(Object.keys(data.baseline));
      for (const [p, f] of Object.entries(s)) (f ? paths.add(p) : paths.delete(p));
      return [...paths].sort();
    },
    // Contents come as text (readText); bytes are never needed here.
    readFile: () => undefined,
    readText(id, path): FileText | undefined {
      const f = fileAt(data, id, path);
      if (!f) return undefined;
      const text = f.blob !== null ? data.blobs[f.blob] : undefined;
      return { text: text !== undefined && f.bytes <= MAX_MEMORY_TEXT ? text : null, bytes: f.bytes };
    },
  };
}

export function nodeDetailOf(data: SharedReplayData, nodeId: string): NodeDetail | null {
  const node = data.bootstrap.detail?.nodes.find((n) => n.id === nodeId);
  if (!node) return null;
  const spans = (data.nodeSpans[nodeId] ?? []).map((id) => data.spans[id]).filter((s): s is NonNullable<typeof s> => !!s);
  return { node, spans, snapshot: data.snapshots[nodeId] ?? null };
}

/** Every request of protocol v2, answered from the data (the workspace mode says it needs the editor). */
export async function answerRequest(data: SharedReplayData, r: WebviewRequest): Promise<RequestResults[WebviewRequest['method']]> {
  const detail = data.bootstrap.detail;
  const reader = sharedSnapshotReader(data);
  switch (r.method) {
    case 'getRun':
      return detail && detail.run.id === r.runId ? detail : null;
    case 'getNodeDetail':
      return nodeDetailOf(data, r.nodeId);
    case 'getChanges':
      return detail ? changesAt(reader, detail, r.nodeId, r.mode, null) : null;
    case 'getCompare':
      return detail ? compareAt(reader, detail, r.leftNodeId, r.rightNodeId) : null;
    case 'getMemory':
      return detail ? memoryAt(reader, detail, r.nodeId) : null;
  }
}

/** One side of a file in the diff dialog: its text, or why there is none. */
export type SideText = { text: string } | { absent: true } | { why: NonNullable<SharedFile['why']> | 'no-snapshot' };

export function sideText(data: SharedReplayData, snapshotId: string | null, path: string): SideText {
  if (!snapshotId) return { why: 'no-snapshot' };
  const f = fileAt(data, snapshotId, path);
  if (f === undefined) return { why: 'no-snapshot' };
  if (f === null) return { absent: true };
  const text = f.blob !== null ? data.blobs[f.blob] : undefined;
  return text !== undefined ? { text } : { why: f.why ?? 'snapshot-missing' };
}

/** What the diff dialog shows: a title, the two sides' names and snapshots, and the files that differ. */
export interface DiffRequest {
  title: string;
  view: ChangesView;
  leftSnapshot: string | null;
  rightSnapshot: string | null;
}

/** "Open diff" / "open all changes" of a step: always what the step changed (a shared replay has no workspace). */
export async function stepDiff(data: SharedReplayData, nodeId: string): Promise<DiffRequest | null> {
  const detail = data.bootstrap.detail;
  const node = detail?.nodes.find((n) => n.id === nodeId);
  if (!detail || !node) return null;
  const view = await changesAt(sharedSnapshotReader(data), detail, nodeId, 'step', null);
  if (!view) return null;
  const { before, after } = stepSnapshots(detail, nodeId);
  return { title: `What ${stepName(detail, node)} changed: ${node.name}`, view, leftSnapshot: before, rightSnapshot: after };
}

/** Two steps side by side (a compare column's files). */
export function compareDiff(data: SharedReplayData, leftNodeId: string, rightNodeId: string): DiffRequest | null {
  const detail = data.bootstrap.detail;
  if (!detail) return null;
  const view = compareAt(sharedSnapshotReader(data), detail, leftNodeId, rightNodeId);
  if (!view) return null;
  return { title: `${view.left} ↔ ${view.right}`, view, leftSnapshot: stepSnapshots(detail, leftNodeId).after, rightSnapshot: stepSnapshots(detail, rightNodeId).after };
}
