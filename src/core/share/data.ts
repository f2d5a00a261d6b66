/**
 * What a shared replay file carries (pure over a recorded run): the Replay
 * app's bootstrap in the protocol's own types, every node's detail (spans
 * stored once), and the workspace at every snapshot the replay can ask about
 * (each as its difference from the run's baseline), with the contents of the
 * files that differ, deduplicated, within a size budget. That is enough to
 * answer protocol v2's requests (files changed at a step, two steps compared,
 * memory at a step: core/share/reader.ts) without the store. Everything goes
 * through the scrubber: snapshots hold raw file contents.
 */
import { createHash, randomBytes } from 'node:crypto';
import type { Branch, Node, Run } from '../model/types';
import type { SpanRecord } from '../model/spans';
import { PROTOCOL_VERSION, type ReplayBootstrap, type SpanView } from '../../protocol/replay';
import { SHARE_CAPABILITIES, SHARE_FORMAT, SHARE_VERSION, type SharedFile, type SharedReplayData, type SharedState } from './format';
import type { SnapshotReader } from '../storyboard/diffExcerpt';
import { isBinary } from '../storyboard/diffExcerpt';
import { withoutWorkspacePath } from '../storyboard/build';
import { markedMemoryPaths, ownSnapshot } from '../replay/stepState';
import { isMemoryPath } from '../run/toolText';

export { SHARE_FORMAT, SHARE_VERSION, SHARE_CAPABILITIES, type SharedFile, type SharedState, type SharedReplayData } from './format';

export interface ShareInput {
  run: Run;
  branches: Branch[];
  nodes: Node[];
  spansOfNode(nodeId: string): SpanRecord[];
  snapshotOf?(nodeId: string): { snapshotId: string; root: string } | undefined;
  /** The snapshot engine (listFiles: the baseline's memory files). */
  snapshots?: SnapshotReader & { listFiles?(id: string): string[] };
  scrub(text: string): string;
  /** Budget for inlined file contents, in bytes (default 8 MB). */
  maxContentBytes?: number;
  /** Largest single file inlined (default 1 MB). */
  maxFileBytes?: number;
  generator?: string;
  now?: Date;
  /** Salt of the content ids (default: random, so ids cannot be matched across exports). */
  salt?: string;
}

export const DEFAULT_MAX_CONTENT_BYTES = 8 * 1024 * 1024;
const DEFAULT_MAX_FILE_BYTES = 1024 * 1024;

export function buildSharedReplay(input: ShareInput): SharedReplayData {
  const scrub = withoutWorkspacePath(input.scrub, input.run.workspace);
  const budget = input.maxContentBytes ?? DEFAULT_MAX_CONTENT_BYTES;
  const maxFile = input.maxFileBytes ?? DEFAULT_MAX_FILE_BYTES;
  const salt = input.salt ?? randomBytes(16).toString('hex');
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
  const states: Record<string, SharedState> = {};
  const baseline: Record<string, SharedFile> = {};
  let used = 0;
  let firstOmitted: Node | null = null;
  const contentId = (hash: string) => createHash('sha256').update(`${salt}:${hash}`).digest('hex').slice(0, 20);
  /** A file's content at a snapshot, its text inlined while the budget lasts. */
  const fileAt = (snapshotId: string, path: string, hash: string, at: Node | null): SharedFile => {
    const id = contentId(hash);
    const buf = input.snapshots?.readFile(snapshotId, path);
    if (!buf) return { id, blob: null, bytes: 0, why: 'snapshot-missing' };
    if (isBinary(buf)) return { id, blob: null, bytes: buf.length, why: 'binary' };
    if (buf.length > maxFile) return { id, blob: null, bytes: buf.length, why: 'too-large' };
    const text = scrub(buf.toString('utf8'));
    const key = createHash('sha256').update(text).digest('hex').slice(0, 20);
    if (blobs[key] === undefined) {
      const size = Buffer.byteLength(text);
      if (used + size > budget) {
        firstOmitted ??= at;
        return { id, blob: null, bytes: buf.length, why: 'size-limit' };
      }
      used += size;
      blobs[key] = text;
    }
    return { id, blob: key, bytes: buf.length };
  };

  const base = input.run.baselineSnapshotId;
  if (base) states[base] = {};
  // The baseline's memory files (the Memory tab compares with them before the first memory update).
  if (base && input.snapshots?.listFiles) {
    const marked = markedMemoryPaths(nodes);
    let listed: string[] = [];
    try {
      listed = input.snapshots.listFiles(base);
    } catch {
      listed = []; // collected by the size budget
    }
    for (const path of listed.filter((p) => isMemoryPath(p) || marked.has(p))) {
      baseline[scrub(path)] = fileAt(base, path, `${base}:${path}`, null);
    }
  }
  // Snapshots in the order the run took them, so the budget keeps the start of the story.
  // TODO(nemocog): each state is its whole difference from the baseline, so the index (not the contents,
  // which are deduplicated) grows as snapshots × files changed so far; a long run that changes many files
  // would be better stored as each state's difference from the one before it.
  for (const n of [...nodes].sort((a, b) => a.startTime - b.startTime || a.seq - b.seq)) {
    for (const snap of [n.snapshotId, ownSnapshot(n)]) {
      if (!snap || states[snap] || !input.snapshots) continue;
      if (!base) {
        states[snap] = {};
        continue;
      }
      let changes;
      try {
        changes = input.snapshots.diff(base, snap);
      } catch {
        continue; // a snapshot collected by the size budget: the replay says it has none
      }
      const state: SharedState = {};
      for (const c of changes) {
        if ((c.after ?? c.before)?.type === 'dir') continue;
        // Paths are keys, which scrubAll leaves alone: scrubbed here.
        const path = scrub(c.path);
        if (c.before && c.before.type !== 'dir' && !baseline[path]) baseline[path] = fileAt(base, c.path, c.before.hash, n);
        state[path] = c.after && c.after.type !== 'dir' ? fileAt(snap, c.path, c.after.hash, n) : null;
      }
      states[snap] = state;
    }
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
    capabilities: SHARE_CAPABILITIES,
    phoenixEndpoint: null,
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
    states,
    baseline,
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
