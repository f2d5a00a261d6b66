/** The Replay webview's read-only model and its pure maths: lanes, playback order, jumps, time warp, layout, conversation, policy, audit, compare, diff, playback delays. */
import assert from 'node:assert/strict';
import type { Node } from '../../src/core/model/types';
import { EMPTY_UI_STATE, NO_CAPABILITIES, PROTOCOL_VERSION, type RunDetail } from '../../src/protocol/replay';
import { stepDelay, MAX_STEP_MS } from '../../webview/src/hooks/usePlayback';
import { auditRows, filterAudit } from '../../webview/src/model/auditLog';
import { alignBranches } from '../../webview/src/model/compareBranches';
import { conversationOf } from '../../webview/src/model/conversation';
import { forkEdges, laneRows, laneTracks, minimapBins, visibleGlyphs } from '../../webview/src/model/dagLayout';
import { lineDiff } from '../../webview/src/model/lineDiff';
import { policyOf } from '../../webview/src/model/policyView';
import { RunModel } from '../../webview/src/model/runModel';
import { axisTicks, buildTimeWarp, clampTransform, formatOffset, keepInView, pixelScale } from '../../webview/src/model/timeAxis';
import { initialState, reduce } from '../../webview/src/model/viewState';
import { mkBranch, mkNode, mkRun } from './fixtures';

const main = mkBranch('br_main', { status: 'failed', label: 'main', openedAt: 0 });
const rec = mkBranch('br_rec', { parentNodeId: 'm0', parentBranchId: 'br_main', label: 'recovery-1', openedAt: 50_000 });
const fork = mkBranch('br_fork', { parentNodeId: 'm2', parentBranchId: 'br_main', label: 'fork-1', openedAt: 90_000 });
const at = (s: number) => s * 1000;
const nodes: Node[] = [
  mkNode('m0', 'br_main', 0, { kind: 'checkpoint', startTime: at(0), endTime: at(0), snapshotId: 's0' }),
  mkNode('m4', 'br_main', 4, { kind: 'agent_turn', startTime: at(0.1), endTime: at(49) }),
  mkNode('m1', 'br_main', 1, { kind: 'model_call', startTime: at(35), endTime: at(35.05) }),
  mkNode('m2', 'br_main', 2, { kind: 'tool_call', startTime: at(35.1), endTime: at(36), status: 'error', attributes: { 'tool.name': 'exec' } }),
  mkNode('m3', 'br_main', 3, { kind: 'policy_decision', parentNodeId: 'm2', startTime: at(36.1), endTime: at(36.1), status: 'error', attributes: { 'nemocognition.policy.decision': 'deny' } }),
  mkNode('r0', 'br_rec', 0, { kind: 'recovery', startTime: at(50), endTime: at(50) }),
  mkNode('r1', 'br_rec', 1, { kind: 'tool_call', startTime: at(80), endTime: at(81), attributes: { 'tool.name': 'write' } }),
  mkNode('f0', 'br_fork', 0, { kind: 'recovery', startTime: at(90), endTime: at(90), attributes: { 'nemocognition.fork.instruction': 'x' } }),
];
const detail: RunDetail = { run: mkRun('run_1'), branches: [fork, rec, main], nodes };

describe('webview run model', () => {
  describe('RunModel', () => {
    const m = RunModel.build(detail);
    const none = new Set<string>();

    it('lays out one lane per branch, parent first, each fork child after its parent, in the order they opened', () => {
      assert.deepEqual(m.lanes.map((l) => [l.branch.label, l.depth, l.parentLane]), [
        ['main', 0, null],
        ['recovery-1', 1, 0],
        ['fork-1', 1, 0],
      ]);
      assert.equal(m.lanes[2]!.forkNode?.id, 'm2');
    });

    it('groups lanes by agent when a run has several agents', () => {
      const a = mkBranch('a1', { agentId: 'coder', openedAt: 0 });
      const b = mkBranch('b1', { agentId: 'reviewer', openedAt: 1 });
      const a2 = mkBranch('a2', { agentId: 'coder', openedAt: 2 });
      const g = RunModel.build({ run: mkRun(), branches: [a, b, a2], nodes: [] });
      assert.deepEqual(g.lanes.map((l) => l.branch.id), ['a1', 'a2', 'b1']);
      assert.deepEqual(g.agents, ['coder', 'reviewer']);
      const rows = laneRows(g.lanes, new Set(), true);
      assert.deepEqual(rows.map((r) => r.agentHeading), ['coder', null, 'reviewer']);
    });

    it('plays steps in time order across lanes, and skips hidden branches', () => {
      assert.deepEqual(m.order.map((n) => n.id), ['m0', 'm4', 'm1', 'm2', 'm3', 'r0', 'r1', 'f0']);
      assert.equal(m.step('m3', 1, none)?.id, 'r0');
      assert.equal(m.step('m3', 1, new Set(['br_rec']))?.id, 'f0');
      assert.equal(m.step('f0', 5, none)?.id, 'f0', 'clamped at the end');
      assert.equal(m.step(null, 1, none)?.id, 'm0');
      // From a step on a branch just hidden, the nearest shown step before it.
      assert.equal(m.step('r1', 0, new Set(['br_rec']))?.id, 'm3');
    });

    it('jumps to the previous or next denial, failure, recovery or branch end', () => {
      assert.equal(m.jump('m0', 1, 'denial', none)?.id, 'm3');
      assert.equal(m.jump('m3', 1, 'denial', none), null);
      assert.equal(m.jump('r1', -1, 'denial', none)?.id, 'm3');
      assert.equal(m.jump('m0', 1, 'failure', none)?.id, 'm2');
      assert.equal(m.jump('m3', 1, 'recovery', none)?.id, 'r0');
      assert.equal(m.jump(null, 1, 'branchEnd', none)?.id, 'm4', "the failed branch's last step by seq");
      assert.equal(m.count('recovery', none), 2);
    });

    it('lists a branch\'s tool calls with the decisions recorded under them', () => {
      assert.deepEqual(m.toolCalls('br_main').map((t) => [t.call.id, t.decisions.map((d) => d.id)]), [['m2', ['m3']]]);
      assert.equal(m.tip('br_rec')?.id, 'r1');
    });

    it('extends itself as nodes stream in, and lays out again when the branches change', () => {
      const live = { ...detail, nodes: nodes.slice(0, 5) };
      const m1 = RunModel.build({ ...live, branches: [main] });
      const m2 = RunModel.update(m1, { ...live, branches: [main], nodes: [...live.nodes, mkNode('m5', 'br_main', 5, { startTime: at(40) })] });
      assert.equal(m2.lanes, m2.lanes);
      assert.deepEqual(m2.order.map((n) => n.id), ['m0', 'm4', 'm1', 'm2', 'm3', 'm5']);
      assert.deepEqual(m2.laneOf.get('br_main')!.nodes.map((n) => n.seq), [0, 1, 2, 3, 4, 5]);
      // A closed node replaces its open copy.
      const closed = RunModel.update(m2, { ...live, branches: [main], nodes: [...live.nodes, mkNode('m5', 'br_main', 5, { startTime: at(40), endTime: at(41) })] });
      assert.equal(closed.byId.get('m5')!.endTime, at(41));
      const relaid = RunModel.update(m2, detail);
      assert.equal(relaid.lanes.length, 3);
      assert.deepEqual(relaid.order.map((n) => n.id), m.order.map((n) => n.id));
    });
  });

  describe('time warp and pixels', () => {
    const times = [0, 10, 20, 35_000, 35_010, 90_000];
    it('keeps real durations when not compressing', () => {
      const w = buildTimeWarp(times, { compress: false });
      assert.equal(w.length, 90_000);
      assert.equal(w.toDisplay(35_000), 35_000);
      assert.deepEqual(w.breaks, []);
    });
    it('draws long idle gaps short and very short gaps a little longer, monotonic, with an inverse', () => {
      const w = buildTimeWarp(times, { compress: true, maxGapMs: 1500, minGapMs: 400 });
      assert.equal(w.toDisplay(10), 400);
      assert.equal(w.toDisplay(35_000), 400 + 400 + 1500);
      assert.equal(w.length, 400 + 400 + 1500 + 400 + 1500);
      assert.equal(w.breaks.length, 2);
      assert.equal(w.breaks[0]!.realMs, 34_980);
      for (let t = 0; t < 90_000; t += 777) assert.ok(w.toDisplay(t + 777) >= w.toDisplay(t));
      for (const t of times) assert.ok(Math.abs(w.toTime(w.toDisplay(t)) - t) < 1e-6);
    });
    it('maps display time to pixels under a zoom, keeps the playhead in view, clamps pans', () => {
      const w = buildTimeWarp([0, 1000], { compress: false });
      const x = pixelScale(w, 220, { k: 1, x: 0 }, 10);
      assert.equal(x(0), 10);
      assert.equal(x(1000), 210);
      const z = pixelScale(w, 220, { k: 2, x: -200 }, 10);
      assert.equal(z(500), 10 * 2 - 200 + 200 * 2 * 0.5);
      assert.deepEqual(keepInView({ k: 2, x: 0 }, 300, 220, 20), { k: 2, x: -100 });
      assert.deepEqual(keepInView({ k: 2, x: -100 }, 100, 220, 20), { k: 2, x: -100 });
      assert.deepEqual(clampTransform({ k: 0.5, x: 50 }, 200, 8), { k: 1, x: 0 });
      assert.deepEqual(clampTransform({ k: 2, x: -500 }, 200, 8), { k: 2, x: -200 });
      const ticks = axisTicks(w, x, 220, 70);
      assert.ok(ticks.length >= 2 && ticks.every((t, i) => i === 0 || t.px - ticks[i - 1]!.px >= 35));
      assert.equal(formatOffset(65_000), '1:05');
      assert.equal(formatOffset(3_725_000), '1:02:05');
      assert.equal(formatOffset(850), '850 ms');
    });
  });

  describe('DAG layout', () => {
    const m = RunModel.build(detail);
    const w = buildTimeWarp(m.order.map((n) => n.startTime), { compress: true });
    const tracks = laneTracks(m.lanes, w);
    const rows = laneRows(m.lanes, new Set(), false);
    it('draws only the glyphs in view, folds crowded ones but never a denial or the selected step', () => {
      const x = (d: number) => d / 100;
      const t = tracks.get('br_main')!;
      const all = visibleGlyphs(t, 13, 0, w.length, x, 0, null);
      assert.equal(all.length, 5);
      const crowded = visibleGlyphs(t, 13, 0, w.length, x, 1000, null);
      assert.ok(crowded.some((g) => g.node.id === 'm3'), 'the denial stays');
      assert.ok(crowded.length < 5);
      assert.equal(crowded.reduce((s, g) => s + g.count, 0), 5, 'folded glyphs count what they stand for');
      assert.ok(visibleGlyphs(t, 13, 0, w.length, x, 1000, 'm1').some((g) => g.node.id === 'm1'), 'the selected step stays');
      const window = visibleGlyphs(t, 13, w.toDisplay(at(36)), w.toDisplay(at(37)), x, 0, null);
      assert.ok(window.length <= 3, 'a narrow window returns the nodes in it and their neighbours only');
    });
    it('draws fork edges from the node forked from to the child lane', () => {
      const edges = forkEdges(rows, tracks, w, (d) => d / 100);
      assert.deepEqual(edges.map((e) => e.branchId), ['br_rec', 'br_fork']);
      assert.match(edges[0]!.path, /^M[\d.]+,13\.0 C/);
      assert.ok(edges.every((e) => !e.failed));
      assert.deepEqual(forkEdges(laneRows(m.lanes, new Set(['br_main']), false), tracks, w, (d) => d), [], 'no edge from a hidden lane');
    });
    it('bins the minimap, the worst state winning', () => {
      const bins = minimapBins(rows, tracks, w.length, 10);
      assert.equal(bins.length, 3);
      assert.ok(bins[0]!.bins.includes(3), 'the denial shows');
      assert.ok(!bins[1]!.bins.includes(3));
    });
  });

  describe('inspector views', () => {
    it('reads a model call as a conversation, messages in numeric order', () => {
      const attrs: Record<string, string | number> = { 'llm.model_name': 'm', 'llm.token_count.prompt': 10, 'llm.token_count.completion': 2, 'llm.output_messages.0.message.role': 'assistant', 'llm.output_messages.0.message.content': 'done' };
      for (let i = 0; i < 12; i++) {
        attrs[`llm.input_messages.${i}.message.role`] = i === 0 ? 'system' : 'user';
        attrs[`llm.input_messages.${i}.message.content`] = `m${i}`;
        attrs[`llm.tools.${i}.tool.json_schema`] = JSON.stringify({ type: 'function', function: { name: `t${i}` } });
      }
      attrs['llm.input_messages.11.message.tool_calls.0.tool_call.function.name'] = 'exec';
      attrs['llm.input_messages.11.message.tool_calls.0.tool_call.function.arguments'] = '{"command":"ls"}';
      attrs['llm.output_messages.0.message.reasoning_content'] = 'because';
      attrs['nemocognition.other'] = 'x';
      const c = conversationOf(attrs);
      assert.deepEqual(c.input.map((x) => x.text), ['m0', 'm1', 'm2', 'm3', 'm4', 'm5', 'm6', 'm7', 'm8', 'm9', 'm10', 'm11']);
      assert.equal(c.input[0]!.folded, true, 'the system prompt is folded');
      assert.deepEqual(c.tools.slice(0, 3), ['t0', 't1', 't2']);
      assert.deepEqual(c.input[11]!.toolCalls, [{ id: null, name: 'exec', args: '{\n  "command": "ls"\n}' }]);
      assert.equal(c.reasoning, 'because');
      assert.deepEqual(c.tokens, { prompt: 10, completion: 2, total: null });
      assert.equal(c.output[0]!.text, 'done');
      assert.equal(c.unread, 1);
    });

    it('gives a denial its rule and the call its five scores with their reasons', () => {
      const call = mkNode('c', 'b', 0, {
        attributes: {
          'nemocognition.policy.destructive': 0.3,
          'nemocognition.policy.blast_radius': 0.6,
          'nemocognition.policy.reversibility': 1,
          'nemocognition.policy.security_sensitive': 0,
          'nemocognition.policy.cost': 0.02,
          'nemocognition.policy.reasons': ['destructive: replaces a.ts', 'blast radius: changes /etc/x', 'other note'],
        },
      });
      const deny = mkNode('d', 'b', 1, { kind: 'policy_decision', parentNodeId: 'c', status: 'error', attributes: { 'nemocognition.policy.decision': 'deny', 'nemocognition.policy.rule': 'kernel.fs.permission_denied', 'nemocognition.policy.source': 'kernel', 'nemocognition.policy.port': 443 } });
      const byId = new Map([call, deny].map((n) => [n.id, n]));
      const v = policyOf(deny, byId, () => [deny]);
      assert.equal(v.call?.id, 'c');
      assert.deepEqual(v.decisions.map((d) => [d.decision, d.rule, d.source, d.port]), [['deny', 'kernel.fs.permission_denied', 'kernel', 443]]);
      assert.deepEqual(v.scores.map((s) => [s.key, s.score]), [['destructive', 0.3], ['blast_radius', 0.6], ['reversibility', 1], ['security_sensitive', 0], ['cost', 0.02]]);
      assert.deepEqual(v.scores[1]!.reasons, ['changes /etc/x']);
      assert.deepEqual(v.otherReasons, ['other note']);
    });

    it('lists a branch\'s tool calls for the audit log, a denial naming its rule, and filters them', () => {
      const m = RunModel.build(detail);
      const rows = auditRows(m.toolCalls('br_main'));
      assert.equal(rows[0]!.status, 'denied');
      assert.equal(rows[0]!.tool, 'exec');
      assert.equal(rows[0]!.durationMs, 900);
      assert.equal(filterAudit(rows, 'DENIED').length, 1);
      assert.equal(filterAudit(rows, 'write').length, 0);
    });

    it('aligns two branches by order and kind and marks where they diverge', () => {
      const a = [mkNode('a0', 'A', 0, { kind: 'checkpoint' }), mkNode('a1', 'A', 1, { kind: 'model_call' }), mkNode('a2', 'A', 2, { attributes: { 'tool.name': 'exec' } }), mkNode('a3', 'A', 3, { kind: 'policy_decision' })];
      const b = [mkNode('b0', 'B', 0, { kind: 'recovery' }), mkNode('b1', 'B', 1, { kind: 'checkpoint' }), mkNode('b2', 'B', 2, { kind: 'model_call' }), mkNode('b3', 'B', 3, { attributes: { 'tool.name': 'write' } })];
      const { rows } = alignBranches(a, b);
      assert.deepEqual(rows.map((r) => [r.left?.id ?? null, r.right?.id ?? null]), [[null, 'b0'], ['a0', 'b1'], ['a1', 'b2'], ['a2', null], ['a3', null], [null, 'b3']]);
      assert.deepEqual(rows.map((r) => r.divergence), [true, false, false, true, false, false]);
    });

    it('diffs memory text line by line', () => {
      assert.deepEqual(lineDiff('a\nb\nc', 'a\nB\nc\nd').lines.map((l) => `${l.kind}:${l.text}`), ['same:a', 'del:b', 'add:B', 'same:c', 'add:d']);
    });

    it('waits each step its gap as drawn, divided by the speed, within bounds', () => {
      const w = buildTimeWarp([0, 100, 60_000], { compress: false });
      const n = (t: number) => mkNode(`n${t}`, 'b', 0, { startTime: t });
      assert.equal(stepDelay(n(0), n(60_000), w, 1), MAX_STEP_MS);
      assert.equal(stepDelay(n(0), n(60_000), w, 8), MAX_STEP_MS / 8);
      assert.ok(stepDelay(n(0), n(100), w, 8) > 0);
    });
  });

  describe('the playhead follows a live run until the user takes it', () => {
    const boot = {
      protocolVersion: PROTOCOL_VERSION,
      workspaceName: 'ws',
      store: { status: 'ready' as const, message: null },
      runs: [mkRun('run_1')],
      detail: { ...detail, nodes: nodes.slice(0, 3) },
      active: { task: 't', runId: 'run_1', phase: 'agent' as const, message: '', startedAt: 1 },
      narration: [],
      gutterEnabled: true,
      modelPreset: 'demo',
      capabilities: NO_CAPABILITIES,
      phoenixEndpoint: null,
    };
    const append = (n: Node) => ({ type: 'host' as const, message: { kind: 'notify' as const, notification: { type: 'nodeAppended' as const, node: n } } });
    it('moves to each new step, never back in time, and stops following once the user selects', () => {
      let s = reduce(initialState(EMPTY_UI_STATE), { type: 'host', message: { kind: 'bootstrap', state: boot } });
      assert.equal(s.follow, true);
      s = reduce(s, append(nodes[3]!));
      assert.equal(s.ui.selectedNodeId, 'm2');
      s = reduce(s, append(mkNode('late-turn', 'br_main', 9, { kind: 'agent_turn', startTime: 0 })));
      assert.equal(s.ui.selectedNodeId, 'm2', 'an agent turn appended at its end does not pull the playhead back');
      s = reduce(s, { type: 'selectNode', nodeId: 'm0' });
      s = reduce(s, append(nodes[4]!));
      assert.equal(s.ui.selectedNodeId, 'm0');
      s = reduce(s, { type: 'selectNode', nodeId: 'm3', follow: true });
      s = reduce(s, append(mkNode('m9', 'br_main', 10, { startTime: at(40) })));
      assert.equal(s.ui.selectedNodeId, 'm9');
    });
  });
});
