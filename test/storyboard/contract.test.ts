/**
 * The Storyboard contract on a small recorded run built by hand (real
 * snapshots in a temporary folder): one scene per step in branch order,
 * climaxes, cross-agent checkpoints, scores, diff excerpts, secrets
 * scrubbed, the schema (shipped in dist/) and the version check on read.
 */
import assert from 'node:assert/strict';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { Scrubber } from '../../src/core/redact';
import { SnapshotEngine } from '../../src/core/snapshots/engine';
import { buildStoryboard, readStoryboard, schemaErrors, STORYBOARD_VERSION, StoryboardError, type Storyboard } from '../../src/core/storyboard';
import { CROSS_AGENT_ATTR, HANDOVER_FROM_ATTR, HANDOVER_TO_ATTR } from '../../src/core/storyboard/scenes';
import { mkBranch, mkNode, mkRun } from '../vscode/fixtures';

const ROOT = resolve(__dirname, '../..');
const SECRET = 'nvapi-sk-storyboard-canary-1234567890abcdef';

describe('Storyboard contract', () => {
  let tmp: string;
  let engine: SnapshotEngine;
  let sb: Storyboard;

  before(async () => {
    tmp = mkdtempSync(join(tmpdir(), 'nc-sb-'));
    const ws = join(tmp, 'ws');
    mkdirSync(join(ws, 'src'), { recursive: true });
    writeFileSync(join(ws, 'src/a.ts'), 'export const a = 1;\nexport const b = 2;\n');
    engine = await SnapshotEngine.open(join(tmp, 'snapshots'), { changeSource: 'full-scan' });
    const s0 = await engine.take(ws, { reason: 'pre' });
    writeFileSync(join(ws, 'src/a.ts'), `export const a = 1;\nexport const key = '${SECRET}';\nexport const b = 3;\n`);
    writeFileSync(join(ws, 'notes.md'), '# Notes\n');
    const s1 = await engine.take(ws, { reason: 'post' });

    const scores = { 'nemocognition.policy.destructive': 0.2, 'nemocognition.policy.security_sensitive': 0.1, 'nemocognition.policy.cost': 0.05, 'nemocognition.policy.blast_radius': 0.3, 'nemocognition.policy.reversibility': 1, 'nemocognition.policy.risk': 0.3 };
    const branches = [
      mkBranch('br_main', { label: 'main', agentId: 'coder', status: 'failed', openedAt: 100, sealReason: `Denied: write /etc/x (${SECRET})` }),
      mkBranch('br_rec', { label: 'recovery-1', agentId: 'coder', parentNodeId: 'nd_base', parentBranchId: 'br_main', openedAt: 200 }),
      mkBranch('br_rev', { label: 'reviewer-1', agentId: 'reviewer', parentNodeId: 'nd_hand', parentBranchId: 'br_rec', openedAt: 300 }),
      mkBranch('br_fork', { label: 'fork-1', agentId: 'reviewer', parentNodeId: 'nd_rv', parentBranchId: 'br_rev', openedAt: 400 }),
    ];
    const nodes = [
      mkNode('nd_base', 'br_main', 0, { kind: 'checkpoint', name: 'workspace baseline', snapshotId: s0.id, attributes: { 'nemocognition.checkpoint.reason': 'baseline' } }),
      mkNode('nd_write', 'br_main', 1, { name: 'write: src/a.ts', snapshotId: s0.id, attributes: { 'tool.name': 'write', 'nemocognition.snapshot.after': s1.id, ...scores } }),
      mkNode('nd_deny', 'br_main', 2, { kind: 'policy_decision', name: 'deny write /etc/x', status: 'error', parentNodeId: 'nd_write', attributes: { 'nemocognition.policy.decision': 'deny', 'nemocognition.policy.source': 'kernel', 'nemocognition.policy.rule': 'kernel.fs.permission_denied', 'nemocognition.policy.detail': 'Permission denied' } }),
      mkNode('nd_recov', 'br_rec', 0, { kind: 'recovery', name: 'recovery 1: fork from baseline', startTime: 200, attributes: { 'nemocognition.recovery.attempt': 1, 'nemocognition.recovery.fork_from': 'baseline', 'nemocognition.recovery.reason': 'the agent made no further progress after the denial' } }),
      mkNode('nd_hand', 'br_rec', 1, { kind: 'checkpoint', name: 'hand-over: coder → reviewer', startTime: 210, snapshotId: s1.id, attributes: { 'nemocognition.checkpoint.reason': 'handover', [CROSS_AGENT_ATTR]: true, [HANDOVER_FROM_ATTR]: 'coder', [HANDOVER_TO_ATTR]: 'reviewer' } }),
      mkNode('nd_rv', 'br_rev', 0, { kind: 'model_call', name: 'model call', startTime: 300, attributes: { 'llm.model_name': 'nemotron', 'llm.output_messages.0.message.content': 'FIX: b must stay 2' } }),
      mkNode('nd_f0', 'br_fork', 0, { kind: 'checkpoint', name: 'sandbox fork-1', startTime: 400 }),
    ];
    const scrubber = new Scrubber();
    scrubber.addSecret(SECRET, 'model-api-key');
    sb = buildStoryboard({ run: mkRun('run_1', { workspace: '/home/someone/projects/greeter', startedAt: 100, endedAt: 500, meta: { 'nemocognition.model': 'nemotron' } }), branches, nodes, snapshots: engine, scrub: (t) => scrubber.scrub(t), now: new Date(0) });
  });
  after(() => {
    engine?.close();
    rmSync(tmp, { recursive: true, force: true });
  });

  it('has one scene per step, branches in the order they opened, each branch in step order', () => {
    assert.deepEqual(
      sb.scenes.map((s) => s.nodeId),
      ['nd_base', 'nd_write', 'nd_deny', 'nd_recov', 'nd_hand', 'nd_rv', 'nd_f0'],
    );
    assert.deepEqual(sb.scenes.map((s) => s.index), [0, 1, 2, 3, 4, 5, 6]);
    assert.deepEqual(sb.scenes.map((s) => s.agent), ['coder', 'coder', 'coder', 'coder', 'coder', 'reviewer', 'reviewer']);
    assert.equal(sb.scenes[1]!.timing.offsetMs, 1);
  });

  it('marks policy_deny, recovery and fork scenes as climaxes, and only those', () => {
    assert.deepEqual(sb.scenes.map((s) => s.kind), ['checkpoint', 'tool_call', 'policy_deny', 'recovery', 'checkpoint', 'model_call', 'fork']);
    assert.deepEqual(sb.scenes.filter((s) => s.climax).map((s) => s.kind), ['policy_deny', 'recovery', 'fork']);
    assert.deepEqual(sb.scenes[2]!.policy, { decision: 'deny', source: 'kernel', rule: 'kernel.fs.permission_denied', detail: 'Permission denied' });
    assert.ok(sb.scenes.every((s) => s.timing.screenMs >= 1000));
    assert.ok(sb.scenes[2]!.timing.screenMs > sb.scenes[0]!.timing.screenMs, 'a climax is held longer');
  });

  it('says how each branch began, and marks the hand-over between agents as a cross-agent checkpoint', () => {
    assert.deepEqual(sb.branches.map((b) => [b.label, b.origin, b.forkSceneIndex]), [
      ['main', 'start', null],
      ['recovery-1', 'recovery', 0],
      ['reviewer-1', 'handover', 4],
      ['fork-1', 'fork', 5],
    ]);
    assert.deepEqual(sb.scenes.filter((s) => s.crossAgent).map((s) => s.nodeId), ['nd_hand']);
    assert.deepEqual(sb.agents, [
      { id: 'coder', branches: 2, toolCalls: 1 },
      { id: 'reviewer', branches: 2, toolCalls: 0 },
    ]);
    assert.equal(sb.summary.crossAgentCheckpoints, 1);
    assert.equal(sb.summary.denials, 1);
    assert.equal(sb.summary.recoveries, 1);
    assert.equal(sb.summary.forks, 1);
  });

  it("carries the step's scores and the diff excerpt of the files it changed, scrubbed", () => {
    const write = sb.scenes[1]!;
    assert.deepEqual(write.scores, { destructive: 0.2, securitySensitive: 0.1, cost: 0.05, blastRadius: 0.3, reversibility: 1, risk: 0.3 });
    assert.equal(write.diff?.totalFiles, 2);
    const a = write.diff!.files.find((f) => f.path === 'src/a.ts')!;
    assert.equal(a.change, 'modified');
    assert.equal(a.added, 2);
    assert.equal(a.removed, 1);
    assert.deepEqual(a.lines.map((l) => l.op), [' ', '-', '+', '+']);
    assert.equal(write.diff!.files.find((f) => f.path === 'notes.md')?.change, 'added');
    const json = JSON.stringify(sb);
    assert.ok(!json.includes(SECRET), 'the key in the file and in the seal reason is scrubbed');
    assert.ok(json.includes('[REDACTED:model-api-key]'));
    assert.ok(!json.includes('/home/someone'), 'the workspace is named by its folder only');
    assert.equal(sb.run.workspaceName, 'greeter');
    assert.match(sb.scenes[5]!.narration, /FIX: b must stay 2/);
  });

  it('validates against its JSON Schema, which rejects a denial not marked as a climax', () => {
    assert.deepEqual(schemaErrors(sb), []);
    const bad = structuredClone(sb);
    bad.scenes[2]!.climax = false;
    assert.ok(schemaErrors(bad).length > 0);
    const alsoBad = structuredClone(sb) as unknown as { scenes: Array<Record<string, unknown>> };
    alsoBad.scenes[0]!.extra = 1;
    assert.ok(schemaErrors(alsoBad).some((e) => /additional/.test(e)));
  });

  it('is read back only when its format and version are known and it matches the schema', () => {
    assert.deepEqual(readStoryboard(JSON.stringify(sb)), sb);
    const newer = { ...sb, version: STORYBOARD_VERSION + 1 };
    assert.throws(() => readStoryboard(JSON.stringify(newer)), (e: StoryboardError) => /newer NemoCognition/.test(e.message) && /Update NemoCognition/.test(e.fix));
    assert.throws(() => readStoryboard('{"format":"something-else","version":1}'), /not a NemoCognition storyboard/);
    assert.throws(() => readStoryboard('{'), /not valid JSON/);
    assert.throws(() => readStoryboard({ ...sb, scenes: 'none' }), /does not match its schema/);
  });

  it('ships its schema in the package: dist/storyboard.schema.json is the source file, and the .vsix includes it', function () {
    const dist = join(ROOT, 'dist/storyboard.schema.json');
    if (!existsSync(dist)) this.skip(); // `npm test` builds first
    assert.equal(readFileSync(dist, 'utf8'), readFileSync(join(ROOT, 'src/core/storyboard/storyboard.schema.json'), 'utf8'));
    assert.match(readFileSync(join(ROOT, '.vscodeignore'), 'utf8'), /^!dist\/storyboard\.schema\.json$/m);
  });
});
