import { strict as assert } from 'node:assert';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { Store, StoreRefusedError } from '../../../src/core/store/store';
import { branchOpened, node, rmDir, runStarted, tmpDir, wasmPath } from './helpers';

function journalBytes(dir: string): Buffer {
  const j = path.join(dir, 'journal');
  return Buffer.concat(fs.readdirSync(j).sort().map((n) => fs.readFileSync(path.join(j, n))));
}

describe('store/immutability: a sealed branch cannot change', () => {
  let dir: string;
  let s: Store;
  beforeEach(async () => {
    dir = tmpDir('nc-immut-');
    s = await Store.open(dir, { wasmPath });
    await s.append(runStarted('r1'));
    await s.append(branchOpened('b1', 'r1'));
    await s.append(node('n1', 'r1', 'b1', { endTime: 1_700_000_001_500, status: 'ok' }));
    await s.append(node('n2', 'r1', 'b1')); // still open when the branch fails
    await s.append({ type: 'branch.sealed', branchId: 'b1', status: 'failed', reason: 'kernel denied write to /etc/motd', at: 1_700_000_002_000 });
  });
  afterEach(async () => {
    await s.close();
    rmDir(dir);
  });

  async function assertRefused(p: Promise<unknown>, re: RegExp): Promise<void> {
    const before = journalBytes(dir);
    const seq = s.lastSeq;
    await assert.rejects(p, (err: Error) => err instanceof StoreRefusedError && re.test(err.message));
    assert.equal(s.lastSeq, seq);
    assert.deepEqual(journalBytes(dir), before, 'nothing written to the journal');
  }

  it('refuses a node appended to the sealed branch, and the journal is unchanged', async () => {
    await assertRefused(s.append(node('n3', 'r1', 'b1')), /sealed \(failed\) and immutable/);
    assert.equal(s.nodesOfBranch('b1').length, 2);
  });

  it('refuses closing a node of the sealed branch, re-sealing it, and bad parents', async () => {
    await assertRefused(s.append({ type: 'node.closed', nodeId: 'n2', endTime: 1_700_000_003_000, status: 'ok', attributes: {} }), /sealed and immutable/);
    await assertRefused(s.append({ type: 'branch.sealed', branchId: 'b1', status: 'completed', reason: 'oops', at: 1 }), /already sealed/);
    await assertRefused(s.append(branchOpened('b9', 'r1', 'no-such-node', 'b1')), /parent node no-such-node does not exist/);
    await assertRefused(s.append(branchOpened('b9', 'r1', 'n1', 'no-such-branch')), /not on parent branch|does not exist/);
    await assertRefused(s.append(branchOpened('b9', 'nope')), /run nope does not exist/);
    await assertRefused(s.append(node('n1', 'r1', 'b1')), /already exists/);
    assert.equal(s.getBranch('b1')!.status, 'failed');
    assert.equal(s.getNode('n2')!.endTime, null);
  });

  it('accepts a recovery branch as a sibling forking from a node of the failed branch', async () => {
    await s.append(branchOpened('b2', 'r1', 'n1', 'b1'));
    await s.append(node('m1', 'r1', 'b2', { kind: 'recovery' }));
    await s.append({ type: 'branch.sealed', branchId: 'b2', status: 'completed', reason: 'done', at: 1_700_000_009_000 });
    const branches = s.branchesOf('r1');
    assert.deepEqual(branches.map((b) => [b.id, b.status, b.parentNodeId, b.parentBranchId]), [
      ['b1', 'failed', null, null],
      ['b2', 'completed', 'n1', 'b1'],
    ]);
    assert.equal(s.nodesOfBranch('b2')[0]!.seq, 0);
  });

  it('sees events of the same tick: a seal followed at once by an append to that branch is refused', async () => {
    await s.append(branchOpened('b3', 'r1', 'n1', 'b1'));
    const seal = s.append({ type: 'branch.sealed', branchId: 'b3', status: 'cancelled', reason: 'user cancelled', at: 5 });
    const late = s.append(node('x', 'r1', 'b3')).then(() => null, (e: unknown) => e);
    await seal;
    assert.ok((await late) instanceof StoreRefusedError);
    assert.equal(s.getNode('x'), undefined);
  });

  it('appendMany is all-or-nothing at validation', async () => {
    await s.append(branchOpened('b4', 'r1', 'n1', 'b1'));
    await assertRefused(s.appendMany([node('ok1', 'r1', 'b4'), node('bad', 'r1', 'b1')]), /sealed/);
    assert.equal(s.getNode('ok1'), undefined);
    // ...and a failed batch leaves no phantom state behind: the same ids are accepted afterwards.
    await s.appendMany([node('ok1', 'r1', 'b4'), node('ok2', 'r1', 'b4', { parentNodeId: 'ok1' })]);
    assert.equal(s.nodesOfBranch('b4').length, 2);
  });

  it('refuses malformed events before they reach the disk', async () => {
    await s.append(branchOpened('b5', 'r1', 'n1', 'b1'));
    await assertRefused(s.append(node('a1', 'r1', 'b5', { attributes: { bad: { nested: 1 } as never } })), /not a valid span attribute/);
    await assertRefused(s.append(node('a2', 'r1', 'b5', { startTime: Number.NaN })), /finite number/);
    await assertRefused(s.append({ type: 'lines.attributed', runId: 'r1', nodeId: 'n1', path: '../etc/passwd', ranges: [[1, 2]], at: 1 }), /workspace-relative/);
    await assertRefused(s.append({ type: 'lines.attributed', runId: 'r1', nodeId: 'n1', path: 'a.ts', ranges: [[3, 2]], at: 1 }), /invalid line range/);
    await assertRefused(s.append({ type: 'nope' } as never), /unknown event type/);
    await assertRefused(s.append(node('big', 'r1', 'b5', { attributes: { 'output.value': 'x'.repeat(17 * 1024 * 1024) } })), /byte limit/);
  });

  it('stays immutable after reopening (rebuilt from the journal)', async () => {
    await s.close();
    fs.rmSync(path.join(dir, 'store.sqlite'));
    s = await Store.open(dir, { wasmPath });
    assert.equal(s.openReport.rebuiltFromJournal, true);
    assert.equal(s.getBranch('b1')!.status, 'failed');
    await assertRefused(s.append(node('n3', 'r1', 'b1')), /sealed/);
  });
});

describe('store/immutability: resuming an ended run for a fork', () => {
  let dir: string;
  let s: Store;
  beforeEach(async () => {
    dir = tmpDir('nc-resume-');
    s = await Store.open(dir, { wasmPath });
    await s.append(runStarted('r1'));
    await s.append(branchOpened('b1', 'r1'));
    await s.append(node('n1', 'r1', 'b1', { endTime: 1_700_000_001_500, status: 'ok' }));
    await s.append({ type: 'branch.sealed', branchId: 'b1', status: 'failed', reason: 'denied', at: 1_700_000_002_000 });
    await s.append({ type: 'run.ended', runId: 'r1', status: 'failed', at: 1_700_000_003_000 });
  });
  afterEach(async () => {
    await s.close();
    rmDir(dir);
  });

  it('refuses a new branch on an ended run until it is resumed; then forks, and the sealed branch stays sealed', async () => {
    await assert.rejects(s.append(branchOpened('b2', 'r1', 'n1', 'b1')), /has ended/);
    await s.append({ type: 'run.resumed', runId: 'r1', at: 1_700_000_004_000, reason: 'fork from n1', meta: { 'nemocognition.owner.pid': 42 } });
    assert.equal(s.getRun('r1')!.status, 'running');
    assert.equal(s.getRun('r1')!.endedAt, null);
    assert.equal(s.getRun('r1')!.meta['nemocognition.owner.pid'], 42);
    await s.append(branchOpened('b2', 'r1', 'n1', 'b1'));
    await assert.rejects(s.append(node('n9', 'r1', 'b1')), /sealed \(failed\) and immutable/);
    await s.append(node('m1', 'r1', 'b2', { endTime: 1_700_000_005_000 }));
    await s.append({ type: 'branch.sealed', branchId: 'b2', status: 'completed', reason: 'done', at: 1_700_000_006_000 });
    await s.append({ type: 'run.ended', runId: 'r1', status: 'completed', at: 1_700_000_007_000 });
    // The same state comes back from the journal alone.
    await s.close();
    fs.rmSync(path.join(dir, 'store.sqlite'));
    s = await Store.open(dir, { wasmPath });
    assert.equal(s.getRun('r1')!.status, 'completed');
    assert.deepEqual(s.branchesOf('r1').map((b) => [b.id, b.status]), [['b1', 'failed'], ['b2', 'completed']]);
  });

  it('refuses resuming a running or unknown run, and a resume without a reason', async () => {
    await s.append({ type: 'run.resumed', runId: 'r1', at: 1, reason: 'fork', meta: {} });
    await assert.rejects(s.append({ type: 'run.resumed', runId: 'r1', at: 2, reason: 'fork', meta: {} }), /still running/);
    await assert.rejects(s.append({ type: 'run.resumed', runId: 'nope', at: 2, reason: 'fork', meta: {} }), /does not exist/);
    await s.append({ type: 'run.ended', runId: 'r1', status: 'failed', at: 3 });
    await assert.rejects(s.append({ type: 'run.resumed', runId: 'r1', at: 4, reason: '', meta: {} }), /reason must be/);
  });
});
