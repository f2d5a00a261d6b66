/**
 * What a shared replay file carries (pure over a recorded run): the Replay
 * app's bootstrap in the protocol's own types, every node's detail (spans
 * stored once), and for each tool call the contents of the files it changed,
 * before and after, deduplicated by hash, within a size budget. Everything
 * goes through the scrubber: snapshots hold raw file contents.
 */
import { createHash } from 'node:crypto';
import type { Branch, Node, Run } from '../model/types';
import type { SpanRecord } from '../model/spans';
import { PROTOCOL_VERSION, type ReplayBootstrap, type SpanView } from '../../protocol/replay';
import type { SnapshotReader } from '../storyboard/diffExcerpt';
import { isBinary } from '../storyboard/diffExcerpt';
import { withoutWorkspacePath } from '../storyboard/build';

export const SHARE_FORMAT = 'nemocognition.shared-replay';
export const SHARE_VERSION = 1;

export interface StepFile {
  path: string;
  change: 'added' | 'modified' | 'deleted';
  /** Keys into `blobs`; null when the side does not exist (added/deleted) or was left out. */
  before: string | null;
  after: string | null;
  binary: boolean;
  /** Why the contents are not here. */
  omitted?: 'size-limit' | 'too-large' | 'snapshot-missing';
}

export interface SharedReplayData {
  format: typeof SHARE_FORMAT;
  version: typeof SHARE_VERSION;
  exportedAt: string;
  generator: string;
  bootstrap: ReplayBootstrap;
  /** Span views by span id, and which spans each node's detail shows (its own first). */
  spans: Record<string, SpanView>;
  nodeSpans: Record<string, string[]>;
  snapshots: Record<string, { snapshotId: string; root: string }>;
  /** Per tool-call node: the files it changed. */
  stepFiles: Record<string, StepFile[]>;
  /** File contents by hash (text only). */
  blobs: Record<string, string>;
  /** Set when contents were left out to keep the file small; says how to get them. */
  note: string | null;
}

export interface ShareInput {
  run: Run;
  branches: Branch[];
  nodes: Node[];
  spansOfNode(nodeId: string): SpanRecord[];
  snapshotOf?(nodeId: string): { snapshotId: string; root: string } | undefined;
  snapshots?: SnapshotReader;
  scrub(text: string): string;
  /** Budget for inlined file contents, in bytes (default 8 MB). */
  maxContentBytes?: number;
  /** Largest single file inlined (default 1 MB). */
  maxFileBytes?: number;
  generator?: string;
  now?: Date;
}

export const DEFAULT_MAX_CONTENT_BYTES = 8 * 1024 * 1024;
const DEFAULT_MAX_FILE_BYTES = 1024 * 1024;

export function buildSharedReplay(input: ShareInput): SharedReplayData {
  const scrub = withoutWorkspacePath(input.scrub, input.run.workspace);
  const budget = input.maxContentBytes ?? DEFAULT_MAX_CONTENT_BYTES;
  const maxFile = input.maxFileBytes ?? DEFAULT_MAX_FILE_BYTES;
  const nodes = [...input.nodes].sort((a, b) => a.branchId.localeCompare(b.branchId) || a.seq - b.seq);

  const spans: Record<string, SpanView> = {};
  const nodeSpans: Record<string, string[]> = {};
  const snapshots: Record<string, { snapshotId: string; root: string }> = {};
  for (const n of nodes) {
    const list = input.spansOfNode(n.id);
    nodeSpans[n.id] = list.map((s) => s.spanId);
    for (const s of list) spans[s.spanId] ??= { spanId: s.spanId, parentSpanId: s.parentSpanId, name: s.name, kind: String(s.kind), status: s.status, attributes: s.attributes };
    const snap = input.snapshotOf?.(n.id) ?? (n.snapshotId ? { snapshotId: n.snapshotId, root: '' } : undefined);
    if (snap) snapshots[n.id] = snap;
  }

  const blobs: Record<string, string> = {};
  const stepFiles: Record<string, StepFile[]> = {};
  let used = 0;
  let firstOmitted: Node | null = null;
  const put = (buf: Buffer): string | 'size-limit' => {
    const text = scrub(buf.toString('utf8'));
    const key = createHash('sha256').update(text).digest('hex').slice(0, 20);
    if (blobs[key] !== undefined) return key;
    const size = Buffer.byteLength(text);
    if (used + size > budget) return 'size-limit';
    used += size;
    blobs[key] = text;
    return key;
  };
  // Steps in the order they happened, so the budget keeps the start of the story.
  for (const n of [...nodes].sort((a, b) => a.startTime - b.startTime)) {
    const after = n.attributes['nemocognition.snapshot.after'];
    if (n.kind !== 'tool_call' || !n.snapshotId || typeof after !== 'string' || !input.snapshots) continue;
    let changes;
    try {
      changes = input.snapshots.diff(n.snapshotId, after);
    } catch {
      continue; // a snapshot collected by the size budget
    }
    stepFiles[n.id] = changes.map((c) => {
      const change: StepFile['change'] = c.kind === 'added' ? 'added' : c.kind === 'deleted' ? 'deleted' : 'modified';
      const file: StepFile = { path: scrub(c.path), change, before: null, after: null, binary: false };
      const before = change === 'added' ? undefined : input.snapshots!.readFile(n.snapshotId!, c.path);
      const afterBuf = change === 'deleted' ? undefined : input.snapshots!.readFile(after, c.path);
      if ((change !== 'added' && !before) || (change !== 'deleted' && !afterBuf)) return { ...file, omitted: 'snapshot-missing' };
      if ((before && isBinary(before)) || (afterBuf && isBinary(afterBuf))) return { ...file, binary: true };
      if ((before?.length ?? 0) > maxFile || (afterBuf?.length ?? 0) > maxFile) return { ...file, omitted: 'too-large' };
      const b = before ? put(before) : null;
      const a = afterBuf ? put(afterBuf) : null;
      if (b === 'size-limit' || a === 'size-limit') {
        firstOmitted ??= n;
        return { ...file, omitted: 'size-limit' };
      }
      return { ...file, before: b, after: a };
    });
  }

  const run = input.run;
  const bootstrap: ReplayBootstrap = {
    protocolVersion: PROTOCOL_VERSION,
    workspaceName: baseName(run.workspace),
    store: { status: 'ready', message: null },
    runs: [run],
    detail: { run, branches: input.branches, nodes },
    active: null,
    narration: [],
    gutterEnabled: false,
    modelPreset: 'shared',
  };
  const omitted = firstOmitted as Node | null;
  const data: SharedReplayData = {
    format: SHARE_FORMAT,
    version: SHARE_VERSION,
    exportedAt: (input.now ?? new Date()).toISOString(),
    generator: input.generator ?? 'nemocognition',
    bootstrap,
    spans,
    nodeSpans,
    snapshots,
    stepFiles,
    blobs,
    note: omitted
      ? `File contents stop at "${omitted.name}": this export keeps at most ${Math.round(budget / 1024 / 1024)} MB of them. Export again with a larger limit (nemocog export-html --max-file-mb <n>) to include the rest.`
      : null,
  };
  // The workspace's absolute path stays on this machine; the run is named by its folder.
  data.bootstrap.runs = [{ ...run, workspace: baseName(run.workspace) }];
  data.bootstrap.detail = { ...data.bootstrap.detail!, run: data.bootstrap.runs[0]! };
  return scrubAll(data, scrub);
}

/** Every string of the data through the scrubber (keys are names, not values). */
function scrubAll<T>(v: T, scrub: (t: string) => string): T {
  if (typeof v === 'string') return scrub(v) as T;
  if (Array.isArray(v)) return v.map((x) => scrubAll(x, scrub)) as T;
  if (v && typeof v === 'object') return Object.fromEntries(Object.entries(v).map(([k, x]) => [k, scrubAll(x, scrub)])) as T;
  return v;
}

function baseName(p: string): string {
  const parts = p.split(/[\\/]/).filter(Boolean);
  return parts[parts.length - 1] ?? '';
}
