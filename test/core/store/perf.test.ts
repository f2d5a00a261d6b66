import { strict as assert } from 'node:assert';
import { Store } from '../../../src/core/store/store';
import { branchOpened, node, rmDir, runStarted, tmpDir, wasmPath } from './helpers';

describe('store/perf: one fsync per append, shared by appends of the same tick', function () {
  this.timeout(120_000);
  let dir: string;
  let s: Store;
  before(async () => {
    dir = tmpDir('nc-perf-');
    s = await Store.open(dir, { wasmPath });
    await s.append(runStarted('r1'));
    await s.append(branchOpened('b1', 'r1'));
  });
  after(async () => {
    await s.close();
    rmDir(dir);
  });

  it('1,000 awaited appends cost about one fdatasync each', async () => {
    const syncs0 = s.stats.syncs;
    const t0 = process.hrtime.bigint();
    for (let i = 0; i < 1000; i++) await s.append(node(`seq${i}`, 'r1', 'b1', { attributes: { i } }));
    const ms = Number(process.hrtime.bigint() - t0) / 1e6;
    const syncs = s.stats.syncs - syncs0;
    assert.equal(syncs, 1000);
    console.log(`      1,000 sequential appends: ${ms.toFixed(0)} ms (${(ms / 1000).toFixed(2)} ms/append, ${syncs} fdatasyncs)`);
  });

  it('1,000 appends issued in one tick share a handful of fdatasyncs', async () => {
    const syncs0 = s.stats.syncs;
    const t0 = process.hrtime.bigint();
    const seqs = await Promise.all(Array.from({ length: 1000 }, (_, i) => s.append(node(`par${i}`, 'r1', 'b1', { attributes: { i } }))));
    const ms = Number(process.hrtime.bigint() - t0) / 1e6;
    const syncs = s.stats.syncs - syncs0;
    assert.deepEqual(seqs, seqs.slice().sort((a, b) => a - b), 'seq follows call order');
    assert.ok(syncs <= 2, `${syncs} syncs for one tick of appends`);
    console.log(`      1,000 appends in one tick: ${ms.toFixed(0)} ms, ${syncs} fdatasync(s)`);
    assert.equal(s.nodesOfBranch('b1').length, 2000);
  });
});
