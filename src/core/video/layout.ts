/**
 * Where the DAG of a storyboard goes in a video frame (pure): one lane per
 * branch, lanes grouped by agent (in order of first appearance) and, inside
 * an agent, in the order the branches opened; a node per scene, placed by
 * scene index; an edge from each fork point to the first node of the branch
 * that forks there (a recovery, a hand-over between agents, a fork).
 */
import type { BranchOrigin, Scene, Storyboard, StoryboardBranch } from '../storyboard/contract';

export interface LaneLayout {
  branch: StoryboardBranch;
  index: number;
  /** Set on the first lane of each agent group when the run has several agents. */
  agentHeader: string | null;
}

export interface NodeLayout {
  scene: Scene;
  lane: number;
  /** 0..1 along the time axis. */
  x: number;
}

export interface ForkEdge {
  from: NodeLayout;
  to: NodeLayout;
  origin: BranchOrigin;
}

export interface DagLayout {
  lanes: LaneLayout[];
  nodes: NodeLayout[];
  forks: ForkEdge[];
  agents: string[];
  /** Scene indexes shown (a window around the playhead for long runs). */
  first: number;
  last: number;
}

/** At most this many scenes across a frame; longer runs show a window that follows the playhead. */
export const MAX_VISIBLE_SCENES = 70;

export function layoutDag(sb: Storyboard, playhead: number | null = null, maxVisible = MAX_VISIBLE_SCENES): DagLayout {
  const agents = [...new Set(sb.branches.map((b) => b.agentId))];
  const ordered = agents.flatMap((a) => sb.branches.filter((b) => b.agentId === a));
  const laneOf = new Map(ordered.map((b, i) => [b.id, i]));
  const lanes: LaneLayout[] = ordered.map((branch, index) => ({
    branch,
    index,
    agentHeader: agents.length > 1 && (index === 0 || ordered[index - 1]!.agentId !== branch.agentId) ? branch.agentId : null,
  }));

  const n = sb.scenes.length;
  let first = 0;
  let last = n - 1;
  if (n > maxVisible) {
    const center = playhead ?? 0;
    first = Math.max(0, Math.min(n - maxVisible, center - Math.floor(maxVisible / 2)));
    last = first + maxVisible - 1;
  }
  const span = Math.max(1, last - first);
  const nodes = new Map<number, NodeLayout>();
  for (const scene of sb.scenes) {
    if (scene.index < first || scene.index > last) continue;
    const lane = laneOf.get(scene.branch.id);
    if (lane === undefined) continue;
    nodes.set(scene.index, { scene, lane, x: n === 1 ? 0.5 : (scene.index - first) / span });
  }
  const forks: ForkEdge[] = [];
  for (const b of sb.branches) {
    if (b.forkSceneIndex === null) continue;
    const from = nodes.get(b.forkSceneIndex);
    const firstScene = sb.scenes.find((s) => s.branch.id === b.id);
    const to = firstScene ? nodes.get(firstScene.index) : undefined;
    if (from && to) forks.push({ from, to, origin: b.origin });
  }
  return { lanes, nodes: [...nodes.values()], forks, agents, first, last };
}

/** Where the playhead sits in video time: the title card, a scene, or the end card. */
export type FrameSpec = { card: 'title' } | { card: 'end' } | { card: 'scene'; scene: number; /** 0..1 of the scene's entrance animation. */ t: number };

export interface Shot {
  spec: FrameSpec;
  /** Video frames (at the capture rate) this one picture is held for. */
  repeat: number;
}

export const TITLE_MS = 3000;
export const END_MS = 4000;
/** The playhead glides to a new scene in this long; after it, the frame holds still. */
export const ENTRANCE_MS = 500;

/**
 * The pictures a video of the storyboard needs, at `captureFps`: each
 * distinct picture once, with how many frames it is held. Every scene lasts
 * its `screenMs` (at least one second).
 */
export function planShots(sb: Storyboard, captureFps: number): Shot[] {
  const frames = (ms: number) => Math.max(1, Math.round((ms / 1000) * captureFps));
  const shots: Shot[] = [{ spec: { card: 'title' }, repeat: frames(TITLE_MS) }];
  const moving = Math.max(1, Math.round((ENTRANCE_MS / 1000) * captureFps));
  for (const s of sb.scenes) {
    const total = frames(Math.max(1000, s.timing.screenMs));
    const steps = Math.min(moving, total - 1);
    for (let k = 0; k < steps; k++) shots.push({ spec: { card: 'scene', scene: s.index, t: (k + 1) / (steps + 1) }, repeat: 1 });
    shots.push({ spec: { card: 'scene', scene: s.index, t: 1 }, repeat: total - steps });
  }
  shots.push({ spec: { card: 'end' }, repeat: frames(END_MS) });
  return shots;
}

export function shotFrames(shots: readonly Shot[]): number {
  return shots.reduce((n, s) => n + s.repeat, 0);
}
