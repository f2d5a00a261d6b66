/**
 * The Storyboard contract: the typed, versioned JSON a run becomes when it
 * leaves the workspace (a video, a shared file). Types only, plus the
 * constants readers check; `storyboard.schema.json` beside it is the same
 * contract as a JSON Schema and ships in the package. A change that a v1
 * reader could misread bumps STORYBOARD_VERSION, and read.ts upgrades older
 * versions (none yet) and refuses newer ones.
 */
import type { BranchStatus, NodeKind, NodeStatus, RunStatus } from '../model/types';

export const STORYBOARD_FORMAT = 'nemocognition.storyboard';
export const STORYBOARD_VERSION = 1;
/** The `$id` of storyboard.schema.json. */
export const STORYBOARD_SCHEMA_ID = 'https://nemocognition.invalid/schemas/storyboard-1.json';

/**
 * What a scene shows. Mostly the node kind, except that a policy decision is
 * split by its verdict and the first step of a branch someone forked by hand
 * is a `fork`.
 */
export type SceneKind =
  | 'model_call'
  | 'tool_call'
  | 'policy_allow'
  | 'policy_deny'
  | 'checkpoint'
  | 'memory_update'
  | 'recovery'
  | 'fork'
  | 'narration'
  | 'agent_turn'
  | 'error';

export const SCENE_KINDS: readonly SceneKind[] = ['model_call', 'tool_call', 'policy_allow', 'policy_deny', 'checkpoint', 'memory_update', 'recovery', 'fork', 'narration', 'agent_turn', 'error'];
/** The kinds a storyboard marks as climaxes: where the story turns. */
export const CLIMAX_KINDS: readonly SceneKind[] = ['policy_deny', 'recovery', 'fork'];

/** How a branch came to be. */
export type BranchOrigin = 'start' | 'recovery' | 'fork' | 'handover';

export interface StoryboardRun {
  id: string;
  task: string;
  status: RunStatus;
  /** The model the agent talked to, as recorded. */
  model: string | null;
  driver: string;
  /** Folder name of the workspace only: the full path stays on the machine. */
  workspaceName: string;
  startedAt: number;
  endedAt: number | null;
  durationMs: number;
}

export interface StoryboardAgent {
  id: string;
  branches: number;
  toolCalls: number;
}

export interface StoryboardBranch {
  id: string;
  label: string;
  agentId: string;
  status: BranchStatus;
  origin: BranchOrigin;
  parentBranchId: string | null;
  parentNodeId: string | null;
  /** Index of the scene of the node this branch forks from (null for the first branch). */
  forkSceneIndex: number | null;
  sealReason: string | null;
  openedAt: number;
  sealedAt: number | null;
}

export interface DiffLine {
  /** `+` inserted, `-` deleted, ` ` context; `…` marks skipped lines between hunks. */
  op: '+' | '-' | ' ' | '…';
  text: string;
}

export interface DiffFile {
  path: string;
  change: 'added' | 'modified' | 'deleted';
  binary: boolean;
  added: number;
  removed: number;
  lines: DiffLine[];
  /** Lines were left out of this excerpt (the counts above are for the whole file). */
  truncated: boolean;
}

export interface DiffExcerpt {
  files: DiffFile[];
  /** Files the step changed, including those not in `files`. */
  totalFiles: number;
  truncated: boolean;
}

/** The policy layer's five scores of a tool call (0..1), and their maximum. */
export interface ClassificationScores {
  destructive: number;
  securitySensitive: number;
  cost: number;
  blastRadius: number;
  reversibility: number;
  risk: number;
}

export interface SceneTiming {
  /** When the step started and ended (ms since epoch); end is null for a step that never closed. */
  start: number;
  end: number | null;
  /** Start relative to the run's start. */
  offsetMs: number;
  durationMs: number;
  /** How long a video should hold this scene (≥ 1 s; climaxes longer). */
  screenMs: number;
}

export interface ScenePolicy {
  decision: string;
  source: string | null;
  rule: string | null;
  detail: string | null;
}

export interface Scene {
  index: number;
  nodeId: string;
  kind: SceneKind;
  /** The recorded node kind, for readers that need it. */
  nodeKind: NodeKind;
  title: string;
  status: NodeStatus;
  branch: { id: string; label: string };
  agent: string;
  timing: SceneTiming;
  narration: string;
  diff: DiffExcerpt | null;
  scores: ClassificationScores | null;
  policy: ScenePolicy | null;
  climax: boolean;
  /** A checkpoint taken when one agent hands the shared sandbox to another. */
  crossAgent: boolean;
}

export interface StoryboardSummary {
  outcome: RunStatus;
  /** One sentence for an end card. */
  headline: string;
  resultBranchId: string | null;
  branches: number;
  agents: number;
  toolCalls: number;
  snapshots: number;
  denials: number;
  recoveries: number;
  forks: number;
  crossAgentCheckpoints: number;
  climaxes: number;
  /** Sum of the scenes' screen time. */
  screenMs: number;
}

export interface Storyboard {
  $schema: string;
  format: typeof STORYBOARD_FORMAT;
  version: typeof STORYBOARD_VERSION;
  generatedAt: string;
  generator: { name: 'nemocognition'; version: string };
  run: StoryboardRun;
  agents: StoryboardAgent[];
  branches: StoryboardBranch[];
  scenes: Scene[];
  summary: StoryboardSummary;
}
