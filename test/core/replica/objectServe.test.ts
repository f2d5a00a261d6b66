/**
 * `nemocog objects` serves a replica from a store that keeps objects in packs
 * and as deltas: what it sends is self-contained, and the receiving side
 * stores exactly the content of each hash asked for.
 */
import { strict as assert } from 'node:assert';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { PassThrough, Readable } from 'node:stream';
import { ObjectReceiver } from '../../../src/core/replica/objectFetch';
import { serveObjects } from '../../../src/core/replica/objectServe';
import { SnapshotEngine } from '../../../src/core/snapshots/engine';
import { ObjectStore } from '../../../src/core/snapshots/objects';

describe('serving snapshot objects to a replica (nemocog objects)', () => {
  let dir: string;
  beforeEach(() => (dir = mkdtempSync(join(tmpdir(), 'nc-serve-'))));
  afterEach(() => rmSync(dir, { recursive: true, force: true }));

  it('sends packed and delta-stored trees and blobs as self-contained objects, and "-" for unknown ones', async () => {
    const ws = join(dir, 'ws');
    mkdirSync(join(ws, 'src'), { recursive: true });
    const text = (n: number) => Array.from({ length: 400 }, (_, i) => `line ${i} ${i === 200 ? `edit ${n}` : ''}`).join('\n');
    writeFileSync(join(ws, 'src', 'a.ts'), text(0));
    writeFileSync(join(ws, 'b.txt'), 'small');
    const engine = await SnapshotEngine.open(join(dir, 'snapshots'), { changeSource: 'full-scan' });
    let last;
    try {
      await engine.take(ws, { reason: 'base' });
      writeFileSync(join(ws, 'src', 'a.ts'), text(1)); // stored as a delta of the previous version
      last = await engine.take(ws, { reason: 'edit' });
    } finally {
      engine.close();
    }
    const reader = await SnapshotEngine.open(join(dir, 'snapshots'), { changeSource: 'full-scan' });
    const wanted: Array<{ hash: string; kind: 'b' | 't' }> = [];
    try {
      const walk = (treeHash: string) => {
        wanted.push({ hash: treeHash, kind: 't' });
        for (const e of reader.readTree(treeHash)) {
          if (e.type === 'dir') walk(e.hash);
          else wanted.push({ hash: e.hash, kind: 'b' });
        }
      };
      walk(last.root);
    } finally {
      reader.close();
    }
    const unknown = 'f'.repeat(64);
    const into = new ObjectStore(join(dir, 'replica'));
    const rx = new ObjectReceiver([...wanted, { hash: unknown, kind: 'b' }], into);
    const out = new PassThrough();
    out.on('data', (d: Buffer) => rx.push(d));
    await serveObjects(join(dir, 'snapshots'), Readable.from([rx.request]), out);
    const r = rx.finish();
    assert.deepEqual(r.rejected, []);
    assert.deepEqual(r.missing, [unknown]);
    assert.equal(r.stored.length, wanted.length);
    await into.commit();
    const again = new ObjectStore(join(dir, 'replica'));
    const aBlob = wanted.find((w) => w.kind === 'b' && again.read(w.hash, 'b').toString().includes('edit 1'));
    assert.ok(aBlob, 'the edited file (a delta at the source) arrives whole');
  });
});
