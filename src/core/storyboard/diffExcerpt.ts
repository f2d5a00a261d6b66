/**
 * The files a step changed, as a short unified-diff excerpt: a few files, a
 * few hunks each, with counts for the whole change. Reads the step's pre- and
 * post-call snapshots; text is scrubbed (snapshots hold the raw workspace).
 */
import { lineEdits, type LineEdit } from '../attribution/lineDiff';
import type { FileChange } from '../snapshots/api';
import type { DiffExcerpt, DiffFile, DiffLine } from './contract';

/** What the excerpt needs of the snapshot engine. */
export interface SnapshotReader {
  diff(aId: string, bId: string): FileChange[];
  readFile(id: string, relPath: string): Buffer | undefined;
}

export interface ExcerptLimits {
  maxFiles: number;
  maxLinesPerFile: number;
  contextLines: number;
  /** Files larger than this are counted, not diffed. */
  maxFileBytes: number;
  maxLineChars: number;
}

export const DEFAULT_EXCERPT_LIMITS: ExcerptLimits = { maxFiles: 3, maxLinesPerFile: 14, contextLines: 2, maxFileBytes: 1_000_000, maxLineChars: 160 };

export function isBinary(buf: Buffer): boolean {
  return buf.subarray(0, 8000).includes(0);
}

/** The excerpt of what changed between two snapshots, or null when nothing did. */
export function diffExcerpt(
  snapshots: SnapshotReader,
  beforeId: string,
  afterId: string,
  scrub: (text: string) => string,
  limits: ExcerptLimits = DEFAULT_EXCERPT_LIMITS,
): DiffExcerpt | null {
  const changes = snapshots.diff(beforeId, afterId);
  if (changes.length === 0) return null;
  const files = changes.slice(0, limits.maxFiles).map((c) => fileExcerpt(snapshots, beforeId, afterId, c, scrub, limits));
  return { files, totalFiles: changes.length, truncated: changes.length > files.length || files.some((f) => f.truncated) };
}

function fileExcerpt(s: SnapshotReader, beforeId: string, afterId: string, c: FileChange, scrub: (t: string) => string, limits: ExcerptLimits): DiffFile {
  const change: DiffFile['change'] = c.kind === 'added' ? 'added' : c.kind === 'deleted' ? 'deleted' : 'modified';
  const before = change === 'added' ? Buffer.alloc(0) : (s.readFile(beforeId, c.path) ?? Buffer.alloc(0));
  const after = change === 'deleted' ? Buffer.alloc(0) : (s.readFile(afterId, c.path) ?? Buffer.alloc(0));
  const base = { path: scrub(c.path), change };
  if (isBinary(before) || isBinary(after)) return { ...base, binary: true, added: 0, removed: 0, lines: [], truncated: false };
  if (before.length > limits.maxFileBytes || after.length > limits.maxFileBytes) {
    return { ...base, binary: false, added: 0, removed: 0, lines: [{ op: '…', text: `file too large for an excerpt (${Math.max(before.length, after.length)} bytes)` }], truncated: true };
  }
  const edits = lineEdits(scrub(before.toString('utf8')), scrub(after.toString('utf8')));
  const added = edits.filter((e) => e.op === '+').length;
  const removed = edits.filter((e) => e.op === '-').length;
  const { lines, truncated } = hunks(edits, limits);
  return { ...base, binary: false, added, removed, lines, truncated };
}

/** The changed lines with `contextLines` around them, gaps marked `…`, at most `maxLinesPerFile` lines. */
export function hunks(edits: LineEdit[], limits: Pick<ExcerptLimits, 'contextLines' | 'maxLinesPerFile' | 'maxLineChars'>): { lines: DiffLine[]; truncated: boolean } {
  const keep = new Set<number>();
  edits.forEach((e, i) => {
    if (e.op === '=') return;
    for (let k = Math.max(0, i - limits.contextLines); k <= Math.min(edits.length - 1, i + limits.contextLines); k++) keep.add(k);
  });
  const lines: DiffLine[] = [];
  let last = -1;
  let truncated = false;
  for (const i of [...keep].sort((a, b) => a - b)) {
    if (lines.length >= limits.maxLinesPerFile) {
      truncated = true;
      break;
    }
    if (last >= 0 && i > last + 1) lines.push({ op: '…', text: `${i - last - 1} unchanged line(s)` });
    const e = edits[i]!;
    const text = e.text.length > limits.maxLineChars ? `${e.text.slice(0, limits.maxLineChars)}…` : e.text;
    lines.push({ op: e.op === '=' ? ' ' : e.op, text });
    last = i;
  }
  return { lines, truncated };
}
