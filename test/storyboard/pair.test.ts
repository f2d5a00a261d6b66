/**
 * Two agents in one run, with the real OpenClaw: `nemocog demo --scenario
 * pair` records a coder and a reviewer (two OpenClaw agents, each with its
 * own id and sessions) taking turns in one shared sandbox. Checked from the
 * store: both agent ids, a cross-agent checkpoint at every hand-over (the
 * next turn forks from it), every tool call of either agent snapshotted
 * before it ran, the reviewer's denial recovered from the last cross-agent
 * checkpoint. Then the storyboard, the MP4 and the shared HTML show both.
 */
import assert from 'node:assert/strict';
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Branch, Node } from '../../src/core/model/types';
import type { RunSummary } from '../../src/core/run/api';
import { CROSS_AGENT_ATTR, HANDOVER_FROM_ATTR, HANDOVER_TO_ATTR } from '../../src/core/storyboard/scenes';
import { buildStoryboard, openRecordedRun, readStoryboard, type Storyboard } from '../../src/core/storyboard';
import { FilmPage } from '../../src/core/video';
import { storeDirFor } from '../../src/core/store/paths';
import { Store } from '../../src/core/store/store';
import { missingPart, requireAgentRuntime, requireBinary, requireLandlock } from '../support/realParts';
import { CHROMIUM, CLI, cli, extractFrame, ffprobe, openSharedReplay, recordDemo, resultsDir } from './support';

describe('two agents in one run: the pair scenario (real OpenClaw)', function () {
  this.timeout(20 * 60_000);
  let tmp: string;
  let ws: string;
  let summary: RunSummary;
  let branches: Branch[];
  let nodes: Node[];

  before(async function () {
    requireAgentRuntime(this);
    await requireLandlock(this);
    tmp = mkdtempSync(join(tmpdir(), 'nc-pair-'));
    ws = join(tmp, 'ws');
    summary = await recordDemo('pair', ws);
    const store = await Store.open(storeDirFor(ws), { readOnly: true });
    try {
      branches = store.branchesOf(summary.run.id);
      nodes = store.nodesOfRun(summary.run.id);
    } finally {
      await store.close();
    }
  });
  after(() => tmp && rmSync(tmp, { recursive: true, force: true }));

  const ofBranch = (b: Branch) => nodes.filter((n) => n.branchId === b.id).sort((x, y) => x.seq - y.seq);

  it('runs two OpenClaw agents, coder and reviewer, each with its own id and its own sessions, in turns', () => {
    assert.equal(summary.run.status, 'completed', summary.problem?.message);
    assert.deepEqual([...new Set(branches.map((b) => b.agentId))].sort(), ['coder', 'reviewer']);
    assert.deepEqual(branches.map((b) => `${b.label}:${b.agentId}:${b.status}`), [
      'coder-1:coder:completed',
      'reviewer-1:reviewer:failed',
      'recovery-1/reviewer-1:reviewer:completed',
      'recovery-1/coder-2:coder:completed',
    ]);
    const turns = nodes.filter((n) => n.kind === 'agent_turn');
    assert.deepEqual(turns.map((t) => t.attributes['openclaw.agent_id']), ['coder', 'reviewer', 'reviewer', 'coder']);
    const sessionsByAgent = new Map<string, Set<string>>();
    for (const t of turns) {
      const agent = String(t.attributes['openclaw.agent_id']);
      sessionsByAgent.set(agent, (sessionsByAgent.get(agent) ?? new Set()).add(String(t.attributes['openclaw.session_id'])));
    }
    const coderSessions = [...sessionsByAgent.get('coder')!];
    const reviewerSessions = [...sessionsByAgent.get('reviewer')!];
    assert.ok(coderSessions.every((s) => !reviewerSessions.includes(s)), `own sessions: ${coderSessions} / ${reviewerSessions}`);
    // OpenClaw's own envelope names the agent that ran each session: agent:<agent>:explicit:<session>.
    assert.deepEqual(
      turns.map((t) => String(t.attributes['openclaw.session_key']).split(':').slice(0, 2).join(':')),
      ['agent:coder', 'agent:reviewer', 'agent:reviewer', 'agent:coder'],
    );
    // The reviewer read what the coder wrote, asked for a fix, and the coder made it.
    assert.match(String(turns[2]!.attributes['output.value']), /^FIX:/);
    assert.match(String(turns[3]!.attributes['output.value']), /Fixed/);
  });

  it('records a cross-agent checkpoint at every hand-over, and the next turn forks from it', () => {
    const handovers = nodes.filter((n) => n.kind === 'checkpoint' && n.attributes[CROSS_AGENT_ATTR] === true);
    assert.equal(handovers.length, 2);
    for (const h of handovers) {
      const from = String(h.attributes[HANDOVER_FROM_ATTR]);
      const to = String(h.attributes[HANDOVER_TO_ATTR]);
      assert.notEqual(from, to);
      assert.equal(branches.find((b) => b.id === h.branchId)!.agentId, from);
      const next = branches.filter((b) => b.parentNodeId === h.id && ofBranch(b)[0]?.kind !== 'recovery');
      assert.deepEqual(next.map((b) => b.agentId), [to], `the turn after ${h.name}`);
      assert.ok(h.snapshotId, 'the hand-over is a snapshot of the shared sandbox');
    }
  });

  it("snapshots every tool call of either agent before it runs: pre-call snapshots equal tool calls", () => {
    for (const agent of ['coder', 'reviewer']) {
      const mine = nodes.filter((n) => branches.find((b) => b.id === n.branchId)!.agentId === agent);
      const calls = mine.filter((n) => n.kind === 'tool_call');
      const pre = mine.filter((n) => n.kind === 'checkpoint' && n.attributes['nemocognition.checkpoint.reason'] === 'pre-tool-call');
      assert.ok(calls.length >= 2, `${agent} made tool calls`);
      assert.equal(pre.length, calls.length, `${agent}: ${pre.length} pre-call snapshots for ${calls.length} tool calls`);
      for (const call of calls) {
        const before = nodes.find((n) => n.branchId === call.branchId && n.seq === call.seq - 1)!;
        assert.equal(before.attributes['nemocognition.checkpoint.reason'], 'pre-tool-call');
        assert.equal(call.snapshotId, before.snapshotId, `${call.name} points at the snapshot taken just before it`);
      }
    }
  });

  it("recovers the reviewer's denial by restarting the pair from the last good cross-agent checkpoint", () => {
    const failed = branches.find((b) => b.status === 'failed')!;
    assert.equal(failed.agentId, 'reviewer');
    assert.ok(ofBranch(failed).some((n) => n.kind === 'policy_decision' && n.attributes['nemocognition.policy.decision'] === 'deny'));
    const recovery = branches.find((b) => ofBranch(b)[0]?.kind === 'recovery')!;
    assert.equal(recovery.parentNodeId, failed.parentNodeId, 'the recovery forks where the failed turn started');
    const forkPoint = nodes.find((n) => n.id === recovery.parentNodeId)!;
    assert.equal(forkPoint.attributes[CROSS_AGENT_ATTR], true, 'from the coder → reviewer hand-over');
    assert.equal(ofBranch(recovery)[0]!.attributes['nemocognition.recovery.fork_from'], 'cross-agent-checkpoint');
    assert.equal(recovery.agentId, 'reviewer', 'the denied agent goes first again');
    assert.match(String(ofBranch(recovery)[0]!.attributes['nemocognition.recovery.prompt']), /NemoCognition recovery 1\/2/);
  });

  describe('exports show both agents', function () {
    let sb: Storyboard;
    before(function () {
      requireBinary(this, 'ffmpeg', 'the MP4 is encoded with Debian ffmpeg');
      if (!CHROMIUM) missingPart(this, 'Chromium');
      if (!existsSync(CLI)) missingPart(this, 'dist/cli.js (`npm run build`)');
    });

    it('the storyboard: scenes of both agents, cross-agent checkpoints, lanes by agent', async () => {
      const out = join(tmp, 'pair.storyboard.json');
      const r = await cli(['storyboard', ws, '--out', out]);
      assert.equal(r.code, 0, r.stderr);
      sb = readStoryboard(readFileSync(out, 'utf8'));
      assert.deepEqual(sb.agents.map((a) => a.id), ['coder', 'reviewer']);
      assert.ok(sb.agents.every((a) => a.toolCalls >= 2));
      assert.equal(sb.summary.crossAgentCheckpoints, 2);
      assert.deepEqual(sb.branches.map((b) => b.origin), ['start', 'handover', 'recovery', 'handover']);
      assert.ok(sb.scenes.some((s) => s.kind === 'policy_deny' && s.agent === 'reviewer'));
    });

    it('the MP4: its frames name both agents in their lanes', async () => {
      const out = join(tmp, 'pair.mp4');
      const r = await cli(['render', ws, '--out', out, '--size', '640x360', '--fps', '10']);
      assert.equal(r.code, 0, r.stderr);
      const probe = ffprobe(out);
      assert.deepEqual([probe.streams.length, probe.streams[0]!.width, probe.streams[0]!.height], [1, 640, 360]);
      extractFrame(out, Number(probe.format.duration) - 1, join(resultsDir(), 'pair-end.png'));
      // What those frames say, read from the film page that drew them.
      const rec = await openRecordedRun(ws);
      const film = await FilmPage.open(buildStoryboard({ ...rec, snapshots: rec.snapshots ?? undefined }), { width: 1280, height: 720 });
      try {
        const handover = sb.scenes.find((s) => s.crossAgent)!;
        await film.draw({ card: 'scene', scene: handover.index, t: 1 });
        const text = await film.text();
        assert.match(text, /CODER/);
        assert.match(text, /REVIEWER/);
        assert.match(text, /Cross-agent checkpoint/);
      } finally {
        await film.close();
        await rec.close();
      }
    });

    it('the shared HTML: branches of both agents, offline', async () => {
      const out = join(tmp, 'pair.html');
      const r = await cli(['export-html', ws, '--out', out]);
      assert.equal(r.code, 0, r.stderr);
      const replay = await openSharedReplay(out);
      try {
        // The scrubber's lanes, grouped by agent: one heading per agent, each lane under its agent's heading.
        await replay.page.locator('.nc-dag-svg').waitFor({ timeout: 30_000 });
        const lanes = await replay.page.$$eval('.nc-agent-heading, .nc-lane-label', (els) => {
          let agent = '';
          return els.flatMap((e) => {
            if (e.classList.contains('nc-agent-heading')) {
              agent = (e.textContent ?? '').trim();
              return [];
            }
            return [`${agent}:${(e.querySelector('.nc-lane-name')?.textContent ?? '').trim()}`];
          });
        });
        assert.deepEqual(lanes, ['coder:coder-1', 'coder:recovery-1/coder-2', 'reviewer:reviewer-1', 'reviewer:recovery-1/reviewer-1']);
        assert.deepEqual(await replay.page.locator('.nc-agent-heading').allTextContents().then((t) => t.map((x) => x.trim())), ['coder', 'reviewer'], 'one heading per agent');
        const text = await replay.page.locator('body').innerText();
        for (const label of ['coder-1', 'reviewer-1', 'recovery-1/reviewer-1', 'recovery-1/coder-2']) assert.ok(text.includes(label), label);
        await replay.page.screenshot({ path: join(resultsDir(), 'pair-html.png'), fullPage: true });
        assert.deepEqual(replay.blocked, []);
        assert.deepEqual(replay.errors, []);
      } finally {
        await replay.close();
      }
    });
  });
});
