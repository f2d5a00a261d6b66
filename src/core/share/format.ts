/**
 * The shared replay file's data format (types and constants only, no Node
 * API: the page's static host reads it too). Built by data.ts, answered from
 * by reader.ts.
 */
import { NO_CAPABILITIES, type HostCapabilities, type ReplayBootstrap, type SpanView } from '../../protocol/replay';

export const SHARE_FORMAT = 'nemocognition.shared-replay';
/** 2: the workspace per snapshot (`states`, `baseline`) for protocol v2, instead of per-step file lists. */
export const SHARE_VERSION = 2;

/**
 * What a shared replay can do besides showing the run: diffs, in its own
 * dialog. Restore, fork, comparing with a workspace and running agents need
 * the editor, so the app hides them.
 */
export const SHARE_CAPABILITIES: HostCapabilities = { ...NO_CAPABILITIES, diff: true };

/** One file's content at a snapshot. */
export interface SharedFile {
  /** Equal ids, equal contents (a per-export salted hash of the snapshot's blob hash, so it names no content). */
  id: string;
  /** Key into `blobs`; null when the text is not here (see `why`). */
  blob: string | null;
  bytes: number;
  /** Why the text is not here. */
  why?: 'binary' | 'size-limit' | 'too-large' | 'snapshot-missing';
}

/** A snapshot as its difference from the run's baseline: path → the file then, or null (not there then). */
export type SharedState = Record<string, SharedFile | null>;

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
  /** Every snapshot a node of the run refers to (the baseline's is empty), against the baseline. */
  states: Record<string, SharedState>;
  /**
   * The baseline's files that some state changes, and its memory files: a path
   * missing here and present in a state was added by the run.
   */
  baseline: Record<string, SharedFile>;
  /** File contents by key (text only, scrubbed). */
  blobs: Record<string, string>;
  /** Set when contents were left out to keep the file small; says how to get them. */
  note: string | null;
}
