/** The run's DAG in a video frame: lanes per branch grouped by agent, fork edges, the playhead. */
import type { Scene, SceneKind, Storyboard } from '../../src/core/storyboard/contract';
import type { DagLayout, ForkEdge, NodeLayout } from '../../src/core/video/layout';

export interface DagProps {
  sb: Storyboard;
  layout: DagLayout;
  /** Scene under the playhead (null: show everything, as on the title card). */
  playhead: number | null;
  /** 0..1: the playhead's glide from the previous scene. */
  t: number;
  width: number;
  height: number;
  /** Font unit (px). */
  u: number;
}

const ease = (t: number) => 1 - (1 - t) ** 3;

function kindClass(s: Scene): string {
  if (s.crossAgent) return 'handover';
  return s.kind;
}

export function Dag({ sb, layout, playhead, t, width, height, u }: DagProps) {
  const labelW = Math.round(width * 0.17);
  const padR = 2 * u;
  const laneCount = Math.max(1, layout.lanes.length);
  const laneH = Math.min(7 * u, (height - 2 * u) / laneCount);
  const top = Math.max(u, (height - laneH * laneCount) / 2);
  const xOf = (n: NodeLayout) => labelW + 2 * u + n.x * (width - labelW - 2 * u - padR);
  const yOf = (lane: number) => top + lane * laneH + laneH / 2;
  const byIndex = new Map(layout.nodes.map((n) => [n.scene.index, n]));
  const current = playhead === null ? undefined : byIndex.get(playhead);
  const previous = playhead === null ? undefined : byIndex.get(playhead - 1);
  const past = (s: Scene) => playhead === null || s.index <= playhead;
  const r = Math.max(3, 0.9 * u);

  const headX = current ? (previous ? xOf(previous) + (xOf(current) - xOf(previous)) * ease(t) : xOf(current)) : null;
  const currentBranch = current ? sb.branches.find((b) => b.id === current.scene.branch.id) : undefined;

  return (
    <svg class="dag" width={width} height={height} viewBox={`0 0 ${width} ${height}`} role="img" aria-label="Run DAG">
      {layout.lanes.map((l) => {
        const y = yOf(l.index);
        const nodes = layout.nodes.filter((n) => n.lane === l.index);
        const firstX = nodes.length ? Math.min(...nodes.map(xOf)) : labelW;
        const lastX = nodes.length ? Math.max(...nodes.map(xOf)) : labelW;
        const active = currentBranch?.id === l.branch.id;
        return (
          <g class={`lane status-${l.branch.status}${active ? ' active' : ''}`} key={l.branch.id}>
            <rect class="lane-bg" x={0} y={y - laneH / 2} width={width} height={laneH} />
            {l.agentHeader ? (
              <text class="agent-header" x={2 * u} y={y - laneH / 2 + 1.3 * u}>
                {l.agentHeader.toUpperCase()}
              </text>
            ) : null}
            <text class="lane-label" x={2 * u} y={y + 0.45 * u + (l.agentHeader ? 0.6 * u : 0)}>
              {clipText(l.branch.label, 22)}
            </text>
            <line class="lane-line" x1={firstX} y1={y} x2={lastX} y2={y} />
          </g>
        );
      })}
      {layout.forks.map((f) => (
        <ForkPath key={`${f.from.scene.index}-${f.to.scene.index}`} f={f} xOf={xOf} yOf={yOf} visible={past(f.to.scene)} growing={current?.scene.index === f.to.scene.index ? ease(t) : 1} />
      ))}
      {layout.nodes.map((n) => {
        const s = n.scene;
        const x = xOf(n);
        const y = yOf(n.lane);
        const cls = `node k-${kindClass(s)} ${past(s) ? 'past' : 'future'}${s.status === 'error' ? ' failed' : ''}`;
        return s.kind === 'policy_deny' || s.kind === 'recovery' || s.kind === 'fork' ? (
          <rect key={s.index} class={cls} x={x - r * 1.25} y={y - r * 1.25} width={r * 2.5} height={r * 2.5} transform={`rotate(45 ${x} ${y})`} />
        ) : s.crossAgent ? (
          <rect key={s.index} class={cls} x={x - r} y={y - r} width={r * 2} height={r * 2} />
        ) : (
          <circle key={s.index} class={cls} cx={x} cy={y} r={s.kind === 'model_call' || s.kind === 'checkpoint' ? r * 0.7 : r} />
        );
      })}
      {headX !== null && current ? (
        <g class={`playhead k-${kindClass(current.scene)}`}>
          <line x1={headX} y1={0} x2={headX} y2={height} />
          <circle class="halo" cx={headX} cy={yOf(current.lane)} r={r * 2.4} />
        </g>
      ) : null}
    </svg>
  );
}

function ForkPath({ f, xOf, yOf, visible, growing }: { f: ForkEdge; xOf: (n: NodeLayout) => number; yOf: (l: number) => number; visible: boolean; growing: number }) {
  const x1 = xOf(f.from);
  const y1 = yOf(f.from.lane);
  const x2 = xOf(f.to);
  const y2 = yOf(f.to.lane);
  const dx = Math.max(12, (x2 - x1) / 2);
  const d = `M ${x1} ${y1} C ${x1 + dx} ${y1}, ${x2 - dx} ${y2}, ${x2} ${y2}`;
  // pathLength=1 lets the dash pattern reveal the edge as it grows.
  return <path class={`fork o-${f.origin} ${visible ? 'past' : 'future'}`} d={d} pathLength={1} stroke-dasharray={visible ? `${growing} 1` : undefined} />;
}

export function clipText(s: string, n: number): string {
  return s.length > n ? `${s.slice(0, n - 1)}…` : s;
}

export const KIND_LABEL: Record<SceneKind, string> = {
  model_call: 'Model call',
  tool_call: 'Tool call',
  policy_allow: 'Policy: allowed',
  policy_deny: 'Policy denied',
  checkpoint: 'Checkpoint',
  memory_update: 'Memory update',
  recovery: 'Recovery',
  fork: 'Fork',
  narration: 'Narration',
  agent_turn: 'Agent turn',
  error: 'Error',
};
