/**
 * The VS Code side's data paths against the real core (no `vscode` needed):
 * replay data and gutter hovers from a real read-only Store beside a live
 * writer, and the restore confirmation's file lists from a real
 * SnapshotEngine's diffLive, checked against what restore then does.
 */
import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import type { StoreEvent } from '../../src/core/model/events';
import { SnapshotEngine } from '../../src/core/snapshots';
import { Store } from '../../src/core/store/store';
import { hoverFactsFor } from '../../src/vscode/decorations/hoverFacts';
import { buildHoverMarkdown } from '../../src/vscode/decorations/hoverMarkdown';
import { previewRestore } from '../../src/core/restore';
import { lastSnapshotOfBranch, listRuns, nodeDetail, runDetail, snapshotForNode } from '../../src/vscode/views/replayData';

const wasmPath = path.join(__dirname, '..', '..', 'node_modules', 'sql.js', 'dist', 'sql-wasm.wasm');
const T = 1_700_000_000_000;

function nodeEv(nodeId: string, branchId: string, over: Partial<Extract<StoreEvent, { type: 'node.appended' }>> = {}): StoreEvent {
  return {
    type: 'node.appended',
    nodeId,
    runId: 'run_1',
    branchId,
    kind: 'tool_call',
    name: nodeId,
    parentNodeId: null,
    startTime: T + 10,
    endTime: T + 20,
    status: 'ok',
    snapshotId: null,
    attributes: {},
    ...over,
  };
}

describe('VS Code side over the real core', () => {
  let tmp: string;
  beforeEach(() => (tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'nc-vscode-core-'))));
  afterEach(() => fs.rmSync(tmp, { recursive: true, force: true }));

  it('reads runs, steps and line attribution from a read-only store that follows the writer', async () => {
    const dir = path.join(tmp, 'store');
    const w = await Store.open(dir, { wasmPath });
    const r = await Store.open(dir, { wasmPath, readOnly: true });
    try {
      await w.appendMany([
        { type: 'run.started', run: { id: 'run_1', task: 'fix', workspace: tmp, baselineSnapshotId: null, startedAt: T, driver: 'local', meta: {} } },
        { type: 'branch.opened', branchId: 'br_main', runId: 'run_1', parentNodeId: null, parentBranchId: null, agentId: 'main', label: 'main', sandbox: '/sb', at: T + 1 },
        { type: 'snapshot.recorded', snapshotId: 'snap_base', runId: 'run_1', root: 'root_hash', parentSnapshotId: null, reason: 'baseline', at: T + 2, fileCount: 1, changedCount: 1 },
        nodeEv('nd_snap', 'br_main', { kind: 'checkpoint', snapshotId: 'snap_base' }),
        nodeEv('nd_model', 'br_main', { kind: 'model_call', attributes: { 'llm.output_messages.0.message.reasoning_content': 'Add the [guard](command:evil) <b>now</b>' } }),
        nodeEv('nd_write', 'br_main', { parentNodeId: 'nd_model', name: 'write src/a.ts', attributes: { 'tool.name': 'write' } }),
        { type: 'lines.attributed', runId: 'run_1', nodeId: 'nd_write', path: 'src/a.ts', ranges: [[3, 5]], at: T + 30 },
      ]);
      assert.deepEqual(listRuns(r, undefined), [], 'nothing until refresh');
      assert.ok(r.refresh() > 0);
      assert.deepEqual(listRuns(r, undefined).map((x) => x.id), ['run_1']);
      const d = runDetail(r, undefined, 'run_1')!;
      assert.deepEqual(d.nodes.map((n) => n.id), ['nd_snap', 'nd_model', 'nd_write']);
      assert.deepEqual(nodeDetail(r, undefined, 'nd_snap')?.snapshot, { snapshotId: 'snap_base', root: 'root_hash' });
      assert.equal(snapshotForNode(d.nodes, d.nodes[2]!)?.snapshotId, 'snap_base');
      assert.equal(lastSnapshotOfBranch(d.nodes, 'br_main')?.id, 'nd_snap');

      const [a] = r.attributionFor('src/a.ts');
      assert.ok(a);
      assert.deepEqual([a.startLine, a.endLine, a.nodeId], [3, 5, 'nd_write']);
      const node = r.getNode(a.nodeId)!;
      const md = buildHoverMarkdown(hoverFactsFor(a, node, r.getBranch(node.branchId), r.getNode(node.parentNodeId!)));
      assert.ok(md.value.includes('Tool: write'));
      assert.ok(md.value.includes('Reasoning: Add the \\[guard\\]\\(command\\:evil\\) \\<b\\>now\\<\\/b\\>'), md.value);
    } finally {
      await r.close();
      await w.close();
    }
  });

  it('lists exactly the files restore then writes and deletes', async () => {
    const ws = path.join(tmp, 'ws');
    fs.mkdirSync(path.join(ws, 'src'), { recursive: true });
    fs.writeFileSync(path.join(ws, 'src', 'a.ts'), 'one\n');
    fs.writeFileSync(path.join(ws, 'b.txt'), 'bee\n');
    fs.mkdirSync(path.join(ws, 'node_modules', 'x'), { recursive: true });
    fs.writeFileSync(path.join(ws, 'node_modules', 'x', 'i.js'), 'ignored\n');
    const eng = await SnapshotEngine.open(path.join(tmp, 'snaps'), { ignore: ['node_modules/'], changeSource: 'full-scan' });
    try {
      const snap = await eng.take(ws, { reason: 'test' });
      fs.writeFileSync(path.join(ws, 'src', 'a.ts'), 'two\n');
      fs.rmSync(path.join(ws, 'b.txt'));
      fs.mkdirSync(path.join(ws, 'new'));
      fs.writeFileSync(path.join(ws, 'new', 'c.txt'), 'sea\n');
      fs.writeFileSync(path.join(ws, 'node_modules', 'x', 'j.js'), 'still ignored\n');

      const preview = await previewRestore(eng, snap.id, ws);
      assert.deepEqual(preview.write.map((f) => `${f.action} ${f.path}`), ['create b.txt', 'modify src/a.ts']);
      assert.deepEqual(preview.delete.map((f) => f.path), ['new/', 'new/c.txt']);

      const res = await eng.restore(snap.id, ws);
      assert.deepEqual([...res.written].sort(), preview.write.map((f) => f.path));
      assert.ok(res.deleted.includes('new/c.txt'));
      assert.equal(fs.readFileSync(path.join(ws, 'src', 'a.ts'), 'utf8'), 'one\n');
      assert.ok(fs.existsSync(path.join(ws, 'node_modules', 'x', 'j.js')), 'ignored files are left alone');
      // Undo puts the pre-restore state back.
      await eng.restore(res.undoSnapshotId, ws);
      assert.equal(fs.readFileSync(path.join(ws, 'src', 'a.ts'), 'utf8'), 'two\n');
      assert.ok(fs.existsSync(path.join(ws, 'new', 'c.txt')));
    } finally {
      eng.close();
    }
  });
});
