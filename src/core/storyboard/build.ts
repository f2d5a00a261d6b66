/**
 * Builds the Storyboard of a recorded run: one scene per step, branches in
 * the order they opened and each branch's steps in order, with narration,
 * scores, diff excerpts from the snapshots, climaxes and screen time.
 */
import type { Branch, Node, Run } from '../model/types';
import {
  STORYBOARD_FORMAT,
  STORYBOARD_SCHEMA_ID,
  STORYBOARD_VERSION,
  type Scene,
  type Storyboard,
  type StoryboardAgent,
  type StoryboardBranch,
  type StoryboardSummary,
} from './contract';
import { DEFAULT_EXCERPT_LIMITS, diffExcerpt, type ExcerptLimits, type SnapshotReader } from './diffExcerpt';
import { narrate } from './narrate';
import { branchOrigin, isClimax, isCrossAgentCheckpoint, isDeny, policyOf, sceneKind, scoresOf, screenMs, str } from './scenes';

export interface StoryboardInput {
  run: Run;
  branches: Branch[];
  nodes: Node[];
  /** Without it, scenes carry no diff excerpts. */
  snapshots?: SnapshotReader;
  /** Applied to every text taken from the run or the snapshots. */
  scrub?: (text: string) => string;
  excerptLimits?: ExcerptLimits;
  generatorVersion?: string;
  now?: Date;
}

export function buildStoryboard(input: StoryboardInput): Storyboard {
  const scrub = withoutWorkspacePath(input.scrub ?? ((t: string) => t), input.run.workspace);
  const { run } = input;
  const byBranch = new Map<string, Node[]>();
  for (const n of input.nodes) byBranch.set(n.branchId, [...(byBranch.get(n.branchId) ?? []), n]);
  for (const list of byBranch.values()) list.sort((a, b) => a.seq - b.seq);
  const nodeById = new Map(input.nodes.map((n) => [n.id, n]));
  const branches = [...input.branches].sort((a, b) => a.openedAt - b.openedAt);
  const origin = new Map(branches.map((b) => [b.id, branchOrigin(b, byBranch.get(b.id)?.[0], b.parentNodeId ? nodeById.get(b.parentNodeId) : undefined)]));

  const soloAgent = new Set(branches.map((b) => b.agentId)).size <= 1;
  const scenes: Scene[] = [];
  const sceneOfNode = new Map<string, number>();
  for (const b of branches) {
    for (const [i, n] of (byBranch.get(b.id) ?? []).entries()) {
      const kind = sceneKind(n, i === 0 && origin.get(b.id) === 'fork');
      const scores = scoresOf(n);
      const diff = input.snapshots ? stepDiff(n, input.snapshots, scrub, input.excerptLimits ?? DEFAULT_EXCERPT_LIMITS) : null;
      const narration = scrub(narrate({ node: n, kind, agent: soloAgent ? 'the agent' : b.agentId, branchLabel: b.label, scores, changedFiles: diff?.totalFiles ?? 0 }));
      const end = n.endTime;
      sceneOfNode.set(n.id, scenes.length);
      scenes.push({
        index: scenes.length,
        nodeId: n.id,
        kind,
        nodeKind: n.kind,
        title: scrub(n.name),
        status: n.status,
        branch: { id: b.id, label: scrub(b.label) },
        agent: scrub(b.agentId) || 'agent',
        timing: { start: n.startTime, end, offsetMs: n.startTime - run.startedAt, durationMs: end === null ? 0 : Math.max(0, end - n.startTime), screenMs: screenMs(kind, narration, !!diff) },
        narration,
        diff,
        scores,
        policy: scrubPolicy(policyOf(n), scrub),
        climax: isClimax(kind),
        crossAgent: isCrossAgentCheckpoint(n),
      });
    }
  }

  const sbBranches: StoryboardBranch[] = branches.map((b) => ({
    id: b.id,
    label: scrub(b.label),
    agentId: scrub(b.agentId) || 'agent',
    status: b.status,
    origin: origin.get(b.id)!,
    parentBranchId: b.parentBranchId,
    parentNodeId: b.parentNodeId,
    forkSceneIndex: b.parentNodeId ? (sceneOfNode.get(b.parentNodeId) ?? null) : null,
    sealReason: b.sealReason === null ? null : scrub(b.sealReason),
    openedAt: b.openedAt,
    sealedAt: b.sealedAt,
  }));
  const agents = agentsOf(sbBranches, scenes);
  const end = run.endedAt ?? Math.max(run.startedAt, ...input.nodes.map((n) => n.endTime ?? n.startTime));
  return {
    $schema: STORYBOARD_SCHEMA_ID,
    format: STORYBOARD_FORMAT,
    version: STORYBOARD_VERSION,
    generatedAt: (input.now ?? new Date()).toISOString(),
    generator: { name: 'nemocognition', version: input.generatorVersion ?? '0.0.0' },
    run: {
      id: run.id,
      task: scrub(run.task),
      status: run.status,
      model: str(run.meta, 'nemocognition.model'),
      driver: scrub(run.driver),
      workspaceName: scrub(baseName(run.workspace)),
      startedAt: run.startedAt,
      endedAt: run.endedAt,
      durationMs: Math.max(0, end - run.startedAt),
    },
    agents,
    branches: sbBranches,
    scenes,
    summary: summaryOf(run, sbBranches, agents, scenes, input.nodes, end - run.startedAt),
  };
}

/** What a tool call changed: its pre-call snapshot against the one taken after it. */
function stepDiff(n: Node, snapshots: SnapshotReader, scrub: (t: string) => string, limits: ExcerptLimits) {
  const after = n.attributes['nemocognition.snapshot.after'];
  if (n.kind !== 'tool_call' || !n.snapshotId || typeof after !== 'string') return null;
  try {
    return diffExcerpt(snapshots, n.snapshotId, after, scrub, limits);
  } catch {
    return null; // a snapshot collected by the size budget: the scene keeps its narration
  }
}

function scrubPolicy(p: ReturnType<typeof policyOf>, scrub: (t: string) => string) {
  if (!p) return null;
  const s = (v: string | null) => (v === null ? null : scrub(v));
  return { decision: p.decision, source: s(p.source), rule: s(p.rule), detail: s(p.detail) };
}

function agentsOf(branches: StoryboardBranch[], scenes: Scene[]): StoryboardAgent[] {
  const ids = [...new Set(branches.map((b) => b.agentId))];
  if (ids.length === 0) ids.push('agent');
  return ids.map((id) => ({
    id,
    branches: branches.filter((b) => b.agentId === id).length,
    toolCalls: scenes.filter((s) => s.agent === id && s.kind === 'tool_call').length,
  }));
}

function summaryOf(run: Run, branches: StoryboardBranch[], agents: StoryboardAgent[], scenes: Scene[], nodes: Node[], durationMs: number): StoryboardSummary {
  const result = [...branches].filter((b) => b.status === 'completed').sort((a, b) => (b.sealedAt ?? 0) - (a.sealedAt ?? 0))[0] ?? null;
  const count = (k: Scene['kind']) => scenes.filter((s) => s.kind === k).length;
  const denials = nodes.filter(isDeny).length;
  const recoveries = count('recovery');
  const who = agents.length > 1 ? capital(agents.map((a) => a.id).join(' and ')) : 'The agent';
  const after = [denials ? `${denials} denial${denials === 1 ? '' : 's'}` : '', recoveries ? `${recoveries} recover${recoveries === 1 ? 'y' : 'ies'}` : ''].filter(Boolean).join(' and ');
  const secs = Math.round(durationMs / 1000);
  const headline =
    run.status === 'completed'
      ? `${who} completed the task${result ? ` on ${result.label}` : ''}${after ? ` after ${after}` : ''} in ${secs} s.`
      : `The run ${run.status === 'running' ? 'is still running' : `ended ${run.status}`}${after ? ` after ${after}` : ''}.`;
  return {
    outcome: run.status,
    headline,
    resultBranchId: result?.id ?? null,
    branches: branches.length,
    agents: agents.length,
    toolCalls: count('tool_call'),
    snapshots: nodes.filter((n) => n.kind === 'checkpoint').length,
    denials,
    recoveries,
    forks: count('fork'),
    crossAgentCheckpoints: scenes.filter((s) => s.crossAgent).length,
    climaxes: scenes.filter((s) => s.climax).length,
    screenMs: scenes.reduce((t, s) => t + s.timing.screenMs, 0),
  };
}

/**
 * The exports' scrubber: secrets, and the workspace's absolute path (it names
 * the user's folders) shortened to `<workspace>`, wherever a text repeats it.
 */
export function withoutWorkspacePath(scrub: (text: string) => string, workspace: string): (text: string) => string {
  const root = workspace.replace(/[\\/]+$/, '');
  if (root.length < 2) return scrub;
  return (text) => scrub(text).split(root).join('<workspace>');
}

function capital(s: string): string {
  return s.charAt(0).toUpperCase() + s.slice(1);
}

function baseName(p: string): string {
  const parts = p.split(/[\\/]/).filter(Boolean);
  return parts[parts.length - 1] ?? '';
}
