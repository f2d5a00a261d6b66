/** The three kinds of video frame: the title card, a scene, the end card. Everything untrusted is text. */
import type { DiffFile, Scene, Storyboard } from '../../src/core/storyboard/contract';
import { highlightLine } from '../../src/core/video/highlight';
import { END_MS, layoutDag, TITLE_MS, type FrameSpec } from '../../src/core/video/layout';
import { clipText, Dag, KIND_LABEL } from './Dag';

export interface FrameProps {
  sb: Storyboard;
  spec: FrameSpec;
  width: number;
  height: number;
}

export function Frame(p: FrameProps) {
  const u = p.height / 100;
  const style = { width: `${p.width}px`, height: `${p.height}px`, '--u': `${u}px` };
  const body = p.spec.card === 'title' ? <TitleCard {...p} u={u} /> : p.spec.card === 'end' ? <EndCard {...p} u={u} /> : <SceneFrame {...p} u={u} scene={p.sb.scenes[p.spec.scene]!} t={p.spec.t} />;
  const kind = p.spec.card === 'scene' ? ` kind-${p.sb.scenes[p.spec.scene]?.kind ?? ''}` : '';
  return (
    <div class={`film card-${p.spec.card}${kind}`} style={style}>
      {body}
      <Progress {...p} />
    </div>
  );
}

function Progress({ sb, spec }: FrameProps) {
  const total = TITLE_MS + END_MS + sb.summary.screenMs;
  let at = 0;
  if (spec.card === 'end') at = total - END_MS;
  else if (spec.card === 'scene') at = TITLE_MS + sb.scenes.slice(0, spec.scene).reduce((t, s) => t + s.timing.screenMs, 0);
  return (
    <div class="progress" aria-hidden="true">
      <div class="progress-fill" style={{ width: `${(100 * at) / total}%` }} />
    </div>
  );
}

function duration(ms: number): string {
  const s = Math.round(ms / 1000);
  return s >= 60 ? `${Math.floor(s / 60)} min ${s % 60} s` : `${s} s`;
}

function clock(ms: number): string {
  const s = Math.max(0, Math.round(ms / 1000));
  return `${String(Math.floor(s / 60)).padStart(2, '0')}:${String(s % 60).padStart(2, '0')}`;
}

function TitleCard({ sb, width, height, u }: FrameProps & { u: number }) {
  const r = sb.run;
  return (
    <div class="card title">
      <div class="brand">NemoCognition · supervised agent run</div>
      <h1 class="task">{clipText(r.task, 260)}</h1>
      <dl class="facts">
        <div>
          <dt>Outcome</dt>
          <dd class={`outcome o-${r.status}`}>{r.status}</dd>
        </div>
        <div>
          <dt>Model</dt>
          <dd>{r.model ?? 'unknown'}</dd>
        </div>
        <div>
          <dt>Duration</dt>
          <dd>{duration(r.durationMs)}</dd>
        </div>
        <div>
          <dt>{sb.agents.length > 1 ? 'Agents' : 'Agent'}</dt>
          <dd>{sb.agents.map((a) => a.id).join(' · ')}</dd>
        </div>
        <div>
          <dt>Branches</dt>
          <dd>{sb.branches.length}</dd>
        </div>
        <div>
          <dt>Steps</dt>
          <dd>{sb.scenes.length}</dd>
        </div>
      </dl>
      <Dag sb={sb} layout={layoutDag(sb)} playhead={null} t={1} width={width - 8 * u} height={height * 0.3} u={u * 0.8} />
      <div class="sub">
        {r.workspaceName} · {new Date(r.startedAt).toISOString().replace('T', ' ').slice(0, 16)} UTC · {r.id}
      </div>
    </div>
  );
}

function EndCard({ sb, u, width, height }: FrameProps & { u: number }) {
  const s = sb.summary;
  const result = sb.branches.find((b) => b.id === s.resultBranchId);
  const counts: Array<[string, number]> = [
    ['tool calls', s.toolCalls],
    ['snapshots', s.snapshots],
    ['denials', s.denials],
    ['recoveries', s.recoveries],
    ...(s.crossAgentCheckpoints ? ([['cross-agent checkpoints', s.crossAgentCheckpoints]] as Array<[string, number]>) : []),
    ...(s.forks ? ([['forks', s.forks]] as Array<[string, number]>) : []),
  ];
  return (
    <div class="card end">
      <div class="brand">Summary</div>
      <h1 class={`headline o-${s.outcome}`}>{s.headline}</h1>
      <ul class="branches">
        {sb.branches.slice(0, 9).map((b) => (
          <li key={b.id} class={`b-${b.status}`}>
            <span class="badge">{b.status}</span>
            <span class="label">{clipText(b.label, 28)}</span>
            {sb.agents.length > 1 ? <span class="agent">{b.agentId}</span> : null}
            <span class="reason">{clipText(b.sealReason ?? '', 110)}</span>
          </li>
        ))}
        {sb.branches.length > 9 ? <li class="more">and {sb.branches.length - 9} more branches</li> : null}
      </ul>
      <div class="counts" style={{ gap: `${3 * u}px` }}>
        {counts.map(([label, n]) => (
          <div key={label}>
            <b>{n}</b> {label}
          </div>
        ))}
      </div>
      <Dag sb={sb} layout={layoutDag(sb)} playhead={null} t={1} width={width - 8 * u} height={height * 0.26} u={u * 0.8} />
      <div class="sub">{result ? `Result: ${result.label} — restore it with NemoCognition to bring it into the workspace.` : 'No branch completed: the failed ones are kept as evidence.'}</div>
    </div>
  );
}

function SceneFrame({ sb, width, height, u, scene, t }: FrameProps & { u: number; scene: Scene; t: number }) {
  const layout = layoutDag(sb, scene.index);
  return (
    <div class="card scene">
      <header>
        <span class="brand">NemoCognition</span>
        <span class="task">{clipText(sb.run.task, 120)}</span>
        <span class="counter">
          step {scene.index + 1}/{sb.scenes.length} · {clock(scene.timing.offsetMs)}
        </span>
      </header>
      <Dag sb={sb} layout={layout} playhead={scene.index} t={t} width={width} height={height * 0.34} u={u} />
      <section class="body">
        <div class="story">
          {scene.climax ? <div class={`banner k-${scene.kind}`}>{scene.kind === 'policy_deny' ? 'POLICY DENIED' : scene.kind === 'recovery' ? 'RECOVERY: A NEW BRANCH' : 'FORK'}</div> : null}
          <div class="chips">
            <span class={`chip kind k-${scene.crossAgent ? 'handover' : scene.kind}`}>{scene.crossAgent ? 'Cross-agent checkpoint' : KIND_LABEL[scene.kind]}</span>
            <span class="chip">{clipText(scene.branch.label, 30)}</span>
            {scene.agent !== scene.branch.label ? <span class="chip agent">{scene.agent}</span> : null}
          </div>
          <h2 class="scene-title">{clipText(scene.title, 140)}</h2>
          <p class="narration">{scene.narration}</p>
          {scene.policy ? (
            <p class="policy">
              {scene.policy.source ?? 'policy'} · {scene.policy.rule ?? 'rule'}
            </p>
          ) : null}
          {scene.scores ? <Scores scores={scene.scores} /> : null}
        </div>
        {scene.diff ? (
          <div class="diff">
            {scene.diff.files.map((f) => (
              <DiffBlock key={f.path} f={f} />
            ))}
            {scene.diff.totalFiles > scene.diff.files.length ? <p class="nodiff">and {scene.diff.totalFiles - scene.diff.files.length} more file(s)</p> : null}
          </div>
        ) : (
          <Facts sb={sb} scene={scene} />
        )}
      </section>
    </div>
  );
}

/** The right-hand panel of a step that changed no file: what is known about it. */
function Facts({ sb, scene }: { sb: Storyboard; scene: Scene }) {
  const branch = sb.branches.find((b) => b.id === scene.branch.id);
  const rows: Array<[string, string]> = [
    ['step', `${scene.index + 1} of ${sb.scenes.length}, at ${clock(scene.timing.offsetMs)}${scene.timing.durationMs >= 1000 ? `, took ${duration(scene.timing.durationMs)}` : ''}`],
    ['branch', `${scene.branch.label}${branch ? ` (${branch.origin === 'start' ? 'first branch' : branch.origin}, ${branch.status})` : ''}`],
    ['agent', scene.agent],
    ['status', scene.status === 'error' ? 'failed' : scene.status === 'ok' ? 'ok' : 'not closed'],
  ];
  if (scene.policy) {
    rows.push(['decision', scene.policy.decision], ['by', `${scene.policy.source ?? 'policy'} (${scene.policy.rule ?? 'no rule'})`]);
    if (scene.policy.detail) rows.push(['detail', scene.policy.detail]);
  }
  if (scene.crossAgent) rows.push(['hand-over', 'the next agent starts from this snapshot']);
  if (scene.kind === 'tool_call') rows.push(['files', 'no file changed']);
  return (
    <dl class={`facts-panel${scene.policy?.decision === 'deny' ? ' deny' : ''}`}>
      {rows.map(([k, v]) => (
        <div key={k}>
          <dt>{k}</dt>
          <dd>{clipText(v, 400)}</dd>
        </div>
      ))}
    </dl>
  );
}

const SCORE_LABELS: Array<[keyof NonNullable<Scene['scores']>, string]> = [
  ['destructive', 'destructive'],
  ['securitySensitive', 'security'],
  ['blastRadius', 'blast radius'],
  ['cost', 'cost'],
  ['reversibility', 'reversible'],
];

function Scores({ scores }: { scores: NonNullable<Scene['scores']> }) {
  return (
    <div class="scores">
      {SCORE_LABELS.map(([k, label]) => (
        <div class={`score ${k === 'reversibility' ? 'good' : scores[k] >= 0.7 ? 'high' : scores[k] >= 0.4 ? 'mid' : 'low'}`} key={k}>
          <span class="score-label">{label}</span>
          <span class="bar">
            <span class="fill" style={{ width: `${Math.round(scores[k] * 100)}%` }} />
          </span>
          <span class="score-value">{scores[k].toFixed(2)}</span>
        </div>
      ))}
    </div>
  );
}

function DiffBlock({ f }: { f: DiffFile }) {
  return (
    <div class="file">
      <div class="file-head">
        <span class="path">{f.path}</span>
        <span class="counts">
          <span class="add">+{f.added}</span> <span class="del">−{f.removed}</span> {f.change}
        </span>
      </div>
      {f.binary ? <div class="line meta">binary file</div> : null}
      {f.lines.map((l, i) => (
        <div key={i} class={`line ${l.op === '+' ? 'add' : l.op === '-' ? 'del' : l.op === '…' ? 'meta' : 'ctx'}`}>
          <span class="op">{l.op === '…' ? '⋯' : l.op}</span>
          {l.op === '…' ? <span class="tk-comment">{l.text}</span> : highlightLine(l.text, f.path).map((tk, j) => <span key={j} class={`tk-${tk.kind}`}>{tk.text}</span>)}
        </div>
      ))}
      {f.truncated ? <div class="line meta">⋯ more changes in this file</div> : null}
    </div>
  );
}
