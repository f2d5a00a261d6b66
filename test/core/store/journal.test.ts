import { strict as assert } from 'node:assert';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { Store } from '../../../src/core/store/store';
import { branchOpened, node, rmDir, runStarted, tmpDir, wasmPath } from './helpers';

function segments(dir: string): string[] {
  return fs.readdirSync(path.join(dir, 'journal')).filter((n) => n.endsWith('.jnl')).sort().map((n) => path.join(dir, 'journal', n));
}

describe('store/journal on disk', () => {
  let dir: string;
  beforeEach(() => (dir = tmpDir('nc-journal-')));
  afterEach(() => rmDir(dir));

  it('rolls over to new segments and reads across them with a cursor', async () => {
    const s = await Store.open(dir, { wasmPath, segmentBytes: 4096 });
    await s.append(runStarted('r1'));
    await s.append(branchOpened('b1', 'r1'));
    for (let i = 0; i < 60; i++) await s.append(node(`n${i}`, 'r1', 'b1', { attributes: { pad: 'p'.repeat(200) } }));
    assert.ok(segments(dir).length > 3, `${segments(dir).length} segments`);
    assert.deepEqual([...s.readJournal(0)].map((r) => r.seq), Array.from({ length: 62 }, (_, i) => i + 1));
    assert.deepEqual([...s.readJournal(40)].map((r) => r.seq), Array.from({ length: 22 }, (_, i) => i + 41));
    await s.close();
    fs.rmSync(path.join(dir, 'store.sqlite'));
    const again = await Store.open(dir, { wasmPath, segmentBytes: 4096 });
    assert.equal(again.nodesOfBranch('b1').length, 60);
    assert.equal(again.openReport.replayed, 62);
    await again.close();
  });

  it('a damaged record in the middle: later records are kept, and the loss is reported clearly', async () => {
    const s = await Store.open(dir, { wasmPath });
    await s.append(runStarted('r1'));
    await s.append(branchOpened('b1', 'r1'));
    for (let i = 0; i < 10; i++) await s.append(node(`n${i}`, 'r1', 'b1'));
    await s.close();
    // Damage event #2 (branch.opened) on disk and drop the export: the view must be rebuilt from the damaged journal.
    const seg = segments(dir)[0]!;
    const bytes = fs.readFileSync(seg);
    const at = bytes.indexOf('"seq":2,');
    bytes[at + 20] = bytes[at + 20]! ^ 0x20;
    fs.writeFileSync(seg, bytes);
    fs.rmSync(path.join(dir, 'store.sqlite'));
    const logs: string[] = [];
    const r = await Store.open(dir, { wasmPath, log: (_l, m) => logs.push(m) });
    try {
      const w = r.openReport.warnings;
      assert.ok(w.some((x) => /0000000000000001\.jnl is damaged \(not a torn write\): \d+ unreadable bytes at offset \d+/.test(x)), w.join('\n'));
      assert.ok(w.some((x) => /Lost \(in neither the journal nor the database export\): event #2\./.test(x)), w.join('\n'));
      assert.ok(!w.some((x) => /torn last record/.test(x)), 'damage in the middle is not a torn tail');
      assert.deepEqual(logs, w);
      assert.deepEqual(r.openReport.lostEvents, [{ from: 2, to: 2, inExport: false }]);
      // The branch row is lost with its event, but every node written after it is kept.
      assert.equal(r.getBranch('b1'), undefined);
      assert.equal(r.nodesOfRun('r1').length, 10);
      assert.deepEqual([...r.readJournal(0)].map((x) => x.seq), [1, ...Array.from({ length: 10 }, (_, i) => i + 3)]);
      // New events continue after the highest seq.
      assert.equal(await r.append(runStarted('r2')), 13);
    } finally {
      await r.close();
    }
    // The damaged file is kept aside byte for byte; the segment holds the intact records only.
    const [kept] = r.openReport.damagedSegments;
    assert.ok(kept?.keptAs, 'a copy was kept');
    assert.ok(fs.readFileSync(path.join(dir, kept.keptAs)).equals(bytes));
    assert.ok(fs.readFileSync(seg).length < bytes.length);
    // Reopening: nothing new is damaged; the earlier loss is still said.
    const again = await Store.open(dir, { wasmPath });
    try {
      assert.ok(!again.openReport.warnings.some((x) => /is damaged/.test(x)), again.openReport.warnings.join('\n'));
      assert.ok(again.openReport.warnings.some((x) => /Still missing from the journal since damage found earlier.*event #2\./.test(x)), again.openReport.warnings.join('\n'));
      assert.equal([...again.readJournal(0)].length, 12);
    } finally {
      await again.close();
    }
  });

  it('keeps the export when journal files were lost, and numbers new events after it', async () => {
    const s = await Store.open(dir, { wasmPath });
    await s.append(runStarted('r1'));
    await s.append(runStarted('r2'));
    await s.close();
    for (const f of segments(dir)) fs.rmSync(f);
    const r = await Store.open(dir, { wasmPath });
    try {
      assert.ok(r.openReport.warnings.some((w) => /journal ends at #0/.test(w)));
      assert.equal(r.listRuns().length, 2);
      assert.equal(await r.append(runStarted('r3')), 3);
    } finally {
      await r.close();
    }
  });

  it('removes temp files of an export interrupted by a crash', async () => {
    fs.writeFileSync(path.join(dir, 'store.sqlite.tmp-1234-abcd'), 'partial');
    const s = await Store.open(dir, { wasmPath });
    await s.close();
    assert.ok(!fs.readdirSync(dir).some((n) => n.includes('.tmp-')));
  });
});
