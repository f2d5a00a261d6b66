/** What the per-branch supervision code needs to know about its branch and run. */
import type { Recorder } from '../recorder/recorder';
import type { SnapshotEngine } from '../snapshots/engine';
import type { SandboxPolicy } from '../sandbox/driver';
import type { RunListener } from './api';

export interface BranchContext {
  recorder: Recorder;
  engine: SnapshotEngine;
  listener: RunListener;
  branchId: string;
  /** The branch's sandbox folder: the agent's workspace. */
  workdir: string;
  /** The agent's HOME inside the sandbox (for `~` in commands). */
  home?: string;
  /** The agent's own folder (config, state, plugin): hidden from its tools by the sandbox. */
  agentState?: string;
  policy: SandboxPolicy;
  /** Snapshot the branch's folder was materialised from. */
  startSnapshotId: string;
  narrate(text: string): void;
}
