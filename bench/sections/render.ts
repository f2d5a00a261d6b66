/**
 * Issue 9: how long the MP4 renderer takes per second of video, on a
 * synthetic two-branch run of 40 steps (a denial, a recovery, diff excerpts)
 * at 1280x720, 30 fps: `render_seconds_per_video_second`.
 */
import { mkdtempSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Branch, Node, NodeKind, Run } from '../../src/core/model/types';
import { buildStoryboard, type Storyboard } from '../../src/core/storyboard';
import { renderVideo } from '../../src/core/video';

function syntheticStoryboard(steps = 40): Storyboard {
  const t0 = Date.UTC(2026, 0, 1);
  const run: Run = { id: 'run_bench', task: 'Add a greeting module, use it from src/index.ts, document it, and record the install.', workspace: '/bench/greeter', baselineSnapshotId: null, status: 'completed', startedAt: t0, endedAt: t0 + 90_000, driver: 'local', meta: { 'nemocognition.model': 'nemotron' } };
  const branch = (id: string, label: string, over: Partial<Branch> = {}): Branch => ({ id, runId: run.id, parentNodeId: null, parentBranchId: null, agentId: 'main', label, sandbox: `local:${label}`, status: 'completed', openedAt: t0, sealedAt: t0 + 90_000, sealReason: 'done', ...over });
  const half = Math.floor(steps / 2);
  const branches = [branch('br_main', 'main', { status: 'failed', sealReason: 'Denied: exec: echo x > /etc/x (kernel)' }), branch('br_rec', 'recovery-1', { parentNodeId: 'nd_0', parentBranchId: 'br_main', openedAt: t0 + 45_000 })];
  const kinds: NodeKind[] = ['model_call', 'checkpoint', 'tool_call'];
  const nodes: Node[] = [];
  for (let i = 0; i < steps; i++) {
    const rec = i >= half;
    const seq = rec ? i - half : i;
    let kind: NodeKind = seq === 0 ? (rec ? 'recovery' : 'checkpoint') : kinds[seq % 3]!;
    if (!rec && seq === half - 2) kind = 'policy_decision';
    nodes.push({
      id: `nd_${i}`,
      runId: run.id,
      branchId: rec ? 'br_rec' : 'br_main',
      seq,
      kind,
      name: kind === 'tool_call' ? `write: src/file${i}.ts` : kind === 'policy_decision' ? 'deny exec: echo x > /etc/x' : `${kind} ${i}`,
      parentNodeId: null,
      startTime: t0 + i * 2000,
      endTime: t0 + i * 2000 + 800,
      status: kind === 'policy_decision' ? 'error' : 'ok',
      snapshotId: null,
      attributes:
        kind === 'policy_decision'
          ? { 'nemocognition.policy.decision': 'deny', 'nemocognition.policy.source': 'kernel', 'nemocognition.policy.rule': 'kernel.fs.permission_denied', 'nemocognition.policy.detail': 'Permission denied' }
          : kind === 'tool_call'
            ? { 'nemocognition.policy.destructive': 0.3, 'nemocognition.policy.security_sensitive': 0, 'nemocognition.policy.cost': 0.02, 'nemocognition.policy.blast_radius': 0.15, 'nemocognition.policy.reversibility': 1, 'nemocognition.policy.risk': 0.3 }
            : {},
    });
  }
  const sb = buildStoryboard({ run, branches, nodes });
  // Diff excerpts as the tool calls of a real run carry them (the synthetic run has no snapshots).
  for (const s of sb.scenes) {
    if (s.kind !== 'tool_call') continue;
    const lines = Array.from({ length: 8 }, (_, k) => ({ op: (k % 3 === 0 ? '-' : '+') as '+' | '-', text: `export function f${k}(name: string): string { return \`Hello, \${name}!\`; } // ${k}` }));
    s.diff = { files: [{ path: `src/file${s.index}.ts`, change: 'modified', binary: false, added: 5, removed: 3, lines, truncated: false }], totalFiles: 1, truncated: false };
    s.timing.screenMs += 1000;
  }
  sb.summary.screenMs = sb.scenes.reduce((t, s) => t + s.timing.screenMs, 0);
  return sb;
}

export async function runRenderSection(log: (l: string) => void): Promise<Record<string, unknown>> {
  log('\n== render: storyboard to MP4 (1280x720, 30 fps, synthetic 40-step run) ==');
  const dir = mkdtempSync(join(tmpdir(), 'nc-bench-render-'));
  try {
    const storyboard = syntheticStoryboard();
    const r = await renderVideo({ storyboard, out: join(dir, 'bench.mp4'), width: 1280, height: 720, fps: 30 });
    const ratio = r.renderSeconds / r.videoSeconds;
    log('');
    log('| scenes | video | pictures drawn | frames | render | render s per video s | MP4 size |');
    log('|---:|---:|---:|---:|---:|---:|---:|');
    log(`| ${storyboard.scenes.length} | ${r.videoSeconds.toFixed(1)} s | ${r.pictures} | ${r.frames} | ${r.renderSeconds.toFixed(1)} s | ${ratio.toFixed(2)} | ${(statSync(r.out).size / 1024 / 1024).toFixed(1)} MB |`);
    return { scenes: storyboard.scenes.length, width: 1280, height: 720, fps: 30, video_seconds: r.videoSeconds, render_seconds: r.renderSeconds, pictures: r.pictures, frames: r.frames, render_seconds_per_video_second: Math.round(ratio * 1000) / 1000 };
  } catch (e) {
    const error = (e as Error).message;
    log(`render: failed (${error})`);
    return { error };
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}
