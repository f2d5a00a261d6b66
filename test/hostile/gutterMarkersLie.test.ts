/**
 * Hole 10 of issue 13: gutter markers could lie. They merged every run and
 * every branch (failed ones included) and never compared line numbers with
 * the current text. Now: one branch (the one most recently restored, or the
 * one the setting names), markers only on lines whose current text is still
 * what the step wrote, and the store refuses line attribution on a sealed branch.
 */
import { strict as assert } from 'node:assert';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { SnapshotEngine } from '../../src/core/snapshots/engine';
import { Store, StoreRefusedError } from '../../src/core/store/store';
import { chooseBranch, markersNow, ownersFor } from '../../src/vscode/decorations/markerLines';

describe('hole 10: gutter markers can lie', function () {
  this.timeout(60_000);
  let tmp: string;
  let store: Store;
  let engine: SnapshotEngine;
  const snapAfter: Record<string, string> = {};

  const V_MAIN = 'import x\nrm -rf /\nfailed branch line\n';
  const V_R1 = 'import x\nconst greeting = "hi";\n';
  const V_R2 = 'import x\nconst greeting = "hi";\n\nexport { greeting };\n';

  before(async () => {
    tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'nc-hole10-'));
    const src = path.join(tmp, 'work');
    fs.mkdirSync(path.join(src, 'src'), { recursive: true });
    engine = await SnapshotEngine.open(path.join(tmp, 'snaps'), { changeSource: 'full-scan' });
    for (const [k, v] of Object.entries({ main: V_MAIN, r1: V_R1, r2: V_R2 })) {
      fs.writeFileSync(path.join(src, 'src', 'a.ts'), v);
      snapAfter[k] = (await engine.take(src, { reason: k })).id;
    }
    store = await Store.open(path.join(tmp, 'store'));
    const node = (id: string, branchId: string, snap: string) =>
      store.append({ type: 'node.appended', nodeId: id, runId: 'run1', branchId, kind: 'tool_call', name: id, parentNodeId: null, startTime: 1, endTime: 2, status: 'ok', snapshotId: null, attributes: { 'nemocognition.snapshot.after': snap } });
    await store.append({ type: 'run.started', run: { id: 'run1', task: 't', workspace: src, baselineSnapshotId: null, startedAt: 1, driver: 'local', meta: {} } });
    await store.append({ type: 'branch.opened', branchId: 'br_main', runId: 'run1', parentNodeId: null, parentBranchId: null, agentId: 'main', label: 'main', sandbox: 'local:main', at: 1 });
    await node('nd_bad', 'br_main', snapAfter.main!);
    await store.append({ type: 'lines.attributed', runId: 'run1', nodeId: 'nd_bad', path: 'src/a.ts', ranges: [[1, 3]], at: 2 });
    await store.append({ type: 'branch.sealed', branchId: 'br_main', status: 'failed', reason: 'denied', at: 3 });
    await store.append({ type: 'branch.opened', branchId: 'br_rec', runId: 'run1', parentNodeId: null, parentBranchId: 'br_main', agentId: 'main', label: 'recovery-1', sandbox: 'local:recovery-1', at: 4 });
    await node('nd_w1', 'br_rec', snapAfter.r1!);
    await store.append({ type: 'lines.attributed', runId: 'run1', nodeId: 'nd_w1', path: 'src/a.ts', ranges: [[1, 2]], at: 5 });
    await node('nd_w2', 'br_rec', snapAfter.r2!);
    await store.append({ type: 'lines.attributed', runId: 'run1', nodeId: 'nd_w2', path: 'src/a.ts', ranges: [[3, 4]], at: 6 });
    await store.append({ type: 'branch.sealed', branchId: 'br_rec', status: 'completed', reason: 'done', at: 7 });
  });
  after(async () => {
    await store.close();
    engine.close();
    fs.rmSync(tmp, { recursive: true, force: true });
  });

  const readAfter = async (id: string, rel: string) => engine.readFile(id, rel)?.toString('utf8');
  const marks = async (setting: string, restored: Parameters<typeof chooseBranch>[1], text: string) => {
    const choice = chooseBranch(setting, restored, store);
    if (!choice) return [];
    return markersNow(await ownersFor(store, choice, 'src/a.ts', readAfter), text).map((m) => `${m.startLine}-${m.endLine}:${m.nodeId}`);
  };

  it('the store refuses line attribution on a sealed branch', async () => {
    await assert.rejects(
      store.append({ type: 'lines.attributed', runId: 'run1', nodeId: 'nd_bad', path: 'src/a.ts', ranges: [[1, 1]], at: 9 }),
      (e: unknown) => e instanceof StoreRefusedError && /sealed/.test(e.message),
    );
  });

  it('shows only the restored branch: nothing before a restore, never the failed branch', async () => {
    assert.deepEqual(await marks('', undefined, V_R2), [], 'nothing restored: no markers');
    assert.deepEqual(await marks('', { branchId: 'br_rec' }, V_R2), ['1-2:nd_w1', '3-4:nd_w2']);
    assert.ok(!(await marks('', { branchId: 'br_rec' }, V_R2)).some((m) => m.includes('nd_bad')));
  });

  it('a restored step shows only the steps before it', async () => {
    assert.deepEqual(await marks('', { branchId: 'br_rec', beforeSeq: 1 }, V_R1), ['1-2:nd_w1']);
  });

  it('a marker sits only where the current text is still what the step wrote, and follows moved lines', async () => {
    const edited = '// added by the user\nimport x\nconst greeting = "hello, edited";\n\nexport { greeting };\n';
    assert.deepEqual(await marks('', { branchId: 'br_rec' }, edited), ['2-2:nd_w1', '4-5:nd_w2']);
  });

  it('the setting chooses another branch; a branch whose text is not in the file marks nothing', async () => {
    assert.deepEqual(await marks('br_main', { branchId: 'br_rec' }, V_R2), ['1-1:nd_bad'], 'only the line both versions share ("import x")');
    assert.deepEqual(await marks('latest-result', undefined, V_R2), ['1-2:nd_w1', '3-4:nd_w2']);
    assert.deepEqual(await marks('br_unknown', { branchId: 'br_rec' }, V_R2), []);
  });
});
