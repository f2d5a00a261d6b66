import { strict as assert } from 'node:assert';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { storeIgnore } from '../../../src/core/run/storeIgnore';
import { SnapshotEngine } from '../../../src/core/snapshots/engine';

describe('store folder inside the workspace', () => {
  it('is ignored by snapshots wherever the store.location setting puts it', async () => {
    const ws = mkdtempSync(join(tmpdir(), 'nc-storeloc-'));
    try {
      const nc = join(ws, 'data', 'ncstore');
      mkdirSync(join(nc, 'store'), { recursive: true });
      writeFileSync(join(nc, 'store', 'journal.jnl'), 'x');
      writeFileSync(join(ws, 'a.txt'), 'a');
      assert.deepEqual(storeIgnore(ws, nc), ['/data/ncstore/']);
      assert.deepEqual(storeIgnore(ws, join(ws, 'we*ird', '!store')), ['/we\\*ird/\\!store/'], 'special characters are taken literally');
      assert.deepEqual(storeIgnore(ws, join(tmpdir(), 'elsewhere')), []);
      const engine = await SnapshotEngine.open(join(nc, 'snapshots'), { ignore: storeIgnore(ws, nc) });
      try {
        const snap = await engine.take(ws, { reason: 't', changeSource: 'full-scan' });
        assert.deepEqual(engine.listFiles(snap.id), ['a.txt']);
      } finally {
        engine.close();
      }
    } finally {
      rmSync(ws, { recursive: true, force: true });
    }
  });
});
