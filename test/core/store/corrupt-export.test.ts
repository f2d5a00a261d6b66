import { strict as assert } from 'node:assert';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { Store } from '../../../src/core/store/store';
import { branchOpened, node, rmDir, runStarted, tmpDir, wasmPath } from './helpers';

async function populate(dir: string, n: number): Promise<void> {
  const s = await Store.open(dir, { wasmPath });
  await s.append(runStarted('r1'));
  await s.append(branchOpened('b1', 'r1'));
  await Promise.all(Array.from({ length: n }, (_, i) => s.append(node(`n${i}`, 'r1', 'b1', { attributes: { 'input.value': `command number ${i} `.repeat(20) } }))));
  await s.close(); // writes the export
}

/** Changes one letter in every copy of node n7's attribute text: the row's value changes, the page structure does not. */
function flipInRow(b: Buffer): void {
  for (let at = b.indexOf('command number 7 '); at >= 0; at = b.indexOf('command number 7 ', at + 1)) b[at + 8] = 'N'.charCodeAt(0);
}

function exportPath(dir: string): string {
  return path.join(dir, 'store.sqlite');
}

describe('store/corrupt export', () => {
  let dir: string;
  beforeEach(() => (dir = tmpDir('nc-corrupt-')));
  afterEach(() => rmDir(dir));

  const cases: Array<[string, (bytes: Buffer) => void, boolean?]> = [
    ['bytes overwritten in the middle', (b) => b.fill(0x41, Math.floor(b.length / 2), Math.floor(b.length / 2) + 64)],
    ['one byte flipped inside a row (invisible to SQLite integrity_check)', flipInRow],
    ['the SQLite header destroyed, without a checksum file', (b) => b.fill(0, 0, 100), true],
  ];

  for (const [name, damage, dropSum] of cases) {
    it(`detects ${name}, keeps it as a backup and rebuilds from the journal`, async () => {
      await populate(dir, 50);
      const file = exportPath(dir);
      const bytes = fs.readFileSync(file);
      damage(bytes);
      fs.writeFileSync(file, bytes);
      if (dropSum) fs.rmSync(path.join(dir, 'store.sqlite.sha256'));

      const logged: string[] = [];
      const s = await Store.open(dir, { wasmPath, log: (_l, m) => logged.push(m) });
      try {
        assert.equal(s.openReport.rebuiltFromJournal, true);
        assert.ok(s.openReport.corruptBackup, 'backup path reported');
        assert.deepEqual(fs.readFileSync(s.openReport.corruptBackup!), bytes, 'the corrupt file is kept byte for byte');
        assert.ok(s.openReport.warnings.some((w) => /export was corrupt/.test(w) && w.includes(path.basename(s.openReport.corruptBackup!))));
        assert.ok(logged.some((m) => /export was corrupt/.test(m)));
        assert.equal(s.openReport.replayed, 52, 'every journaled event replayed');
        assert.equal(s.nodesOfBranch('b1').length, 50);
        assert.equal(s.getNode('n7')!.attributes['input.value'], 'command number 7 '.repeat(20));
        assert.equal(s.getRun('r1')!.status, 'running');
      } finally {
        await s.close();
      }
      // The rebuilt export is valid: the next open neither rebuilds nor warns, and the backup is still there.
      const again = await Store.open(dir, { wasmPath });
      try {
        assert.equal(again.openReport.rebuiltFromJournal, false);
        assert.deepEqual(again.openReport.warnings, []);
        assert.equal(again.nodesOfBranch('b1').length, 50);
        assert.ok(fs.readdirSync(dir).some((n) => n.startsWith('store.sqlite.corrupt-')));
      } finally {
        await again.close();
      }
    });
  }

  it('why the checksum file exists: without it, a changed value inside a row passes SQLite integrity_check', async () => {
    await populate(dir, 50);
    const bytes = fs.readFileSync(exportPath(dir));
    flipInRow(bytes);
    fs.writeFileSync(exportPath(dir), bytes);
    fs.rmSync(path.join(dir, 'store.sqlite.sha256'));
    const s = await Store.open(dir, { wasmPath });
    try {
      assert.equal(s.openReport.rebuiltFromJournal, false);
      assert.ok(s.openReport.warnings.some((w) => /no checksum file/.test(w)));
      assert.match(String(s.getNode('n7')!.attributes['input.value']), /command Number 7/);
    } finally {
      await s.close();
    }
  });

  it('a truncated export is detected too', async () => {
    await populate(dir, 20);
    const file = exportPath(dir);
    fs.truncateSync(file, Math.floor(fs.statSync(file).size / 2));
    const s = await Store.open(dir, { wasmPath });
    try {
      assert.equal(s.openReport.rebuiltFromJournal, true);
      assert.equal(s.nodesOfBranch('b1').length, 20);
    } finally {
      await s.close();
    }
  });

  it('an intact export is used and only the journal tail is replayed', async () => {
    await populate(dir, 10);
    // Add events after the export without exporting again (simulate a crash: no close).
    const s = await Store.open(dir, { wasmPath, exportIntervalMs: 0, exportEvery: 1000 });
    await s.append(node('late1', 'r1', 'b1'));
    await s.append(node('late2', 'r1', 'b1'));
    // Drop the handle as a crash would: release only the lock so we can reopen in-process.
    fs.rmSync(path.join(dir, 'writer.lock'));
    const s2 = await Store.open(dir, { wasmPath });
    try {
      assert.equal(s2.openReport.exportSeq, 12);
      assert.equal(s2.openReport.replayed, 2);
      assert.equal(s2.openReport.rebuiltFromJournal, false);
      assert.ok(s2.getNode('late2'));
    } finally {
      await s2.close();
    }
  });
});
