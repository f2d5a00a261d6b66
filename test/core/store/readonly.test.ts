import { strict as assert } from 'node:assert';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { Store, StoreOpenError, StoreRefusedError } from '../../../src/core/store/store';
import { branchOpened, node, rmDir, runStarted, tmpDir, wasmPath } from './helpers';

function snapshotDir(dir: string): Record<string, string> {
  const out: Record<string, string> = {};
  const walk = (d: string) => {
    for (const e of fs.readdirSync(d, { withFileTypes: true })) {
      const p = path.join(d, e.name);
      if (e.isDirectory()) walk(p);
      else out[path.relative(dir, p)] = fs.readFileSync(p).toString('base64');
    }
  };
  walk(dir);
  return out;
}

describe('store/read-only: reading beside a live writer', () => {
  let dir: string;
  beforeEach(() => (dir = tmpDir('nc-ro-')));
  afterEach(() => rmDir(dir));

  it('opens without the lock, follows the writer with refresh(), refuses appends, changes nothing on disk', async () => {
    const w = await Store.open(dir, { wasmPath });
    await w.append(runStarted('r1'));
    await w.append(branchOpened('b1', 'r1'));
    const r = await Store.open(dir, { wasmPath, readOnly: true });
    try {
      assert.equal(r.getBranch('b1')!.status, 'open');
      await w.appendMany([node('n1', 'r1', 'b1'), node('n2', 'r1', 'b1')]);
      assert.equal(r.getNode('n1'), undefined);
      assert.equal(r.refresh(), 2);
      assert.deepEqual(r.nodesOfBranch('b1').map((n) => n.id), ['n1', 'n2']);
      assert.equal(r.lastSeq, w.lastSeq);
      assert.equal(r.refresh(), 0);
      await assert.rejects(r.append(node('x', 'r1', 'b1')), StoreRefusedError);
    } finally {
      await r.close();
    }
    // The writer still holds its lock and keeps working.
    assert.ok(fs.existsSync(path.join(dir, 'writer.lock')));
    await w.append(node('n3', 'r1', 'b1'));
    await w.close();
  });

  it('leaves a torn tail and a corrupt export in place', async () => {
    const w = await Store.open(dir, { wasmPath });
    await w.append(runStarted('r1'));
    await w.close();
    const seg = path.join(dir, 'journal', fs.readdirSync(path.join(dir, 'journal'))[0]!);
    fs.appendFileSync(seg, Buffer.from([5, 0, 0, 0, 1, 2]));
    const exp = path.join(dir, 'store.sqlite');
    const bytes = fs.readFileSync(exp);
    bytes.fill(7, 200, 260);
    fs.writeFileSync(exp, bytes);
    const before = snapshotDir(dir);
    const r = await Store.open(dir, { wasmPath, readOnly: true });
    try {
      assert.ok(r.getRun('r1'));
      assert.ok(r.openReport.warnings.some((x) => /incomplete last record/.test(x)));
      assert.ok(r.openReport.warnings.some((x) => /export is corrupt/.test(x)));
      assert.equal(r.openReport.corruptBackup, undefined);
    } finally {
      await r.close();
    }
    assert.deepEqual(snapshotDir(dir), before, 'nothing on disk changed');
  });

  it('a missing store is a clear error and is not created', async () => {
    const missing = path.join(dir, 'nope');
    await assert.rejects(Store.open(missing, { wasmPath, readOnly: true }), (e: Error) => e instanceof StoreOpenError && /no NemoCognition store/.test(e.message));
    assert.ok(!fs.existsSync(missing));
  });
});
