import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { InvalidTreeError, PathEscapeError, SnapshotEngine, hashBlobBytes, parseTree, type SnapshotRecord } from '../../../src/core/snapshots';
import { rmrf, shapeOf, tmpDir } from './helpers';

/** Traversal and symlink escapes are refused before anything is written. */
describe('snapshots: path safety', function () {
  this.timeout(30_000);
  let base: string;
  let ws: string;
  let outside: string;
  let eng: SnapshotEngine;

  beforeEach(async () => {
    base = tmpDir('escape');
    ws = path.join(base, 'ws');
    outside = path.join(base, 'outside');
    fs.mkdirSync(ws);
    fs.mkdirSync(outside);
    eng = await SnapshotEngine.open(path.join(base, 'store'));
  });
  afterEach(() => {
    eng.close();
    rmrf(base);
  });

  /** Writes a ref pointing at a hand-made root tree (what a tampered store could hold). */
  function craftSnapshot(rows: unknown[]): SnapshotRecord {
    const treeBytes = Buffer.from(JSON.stringify(rows));
    const root = eng.objects.putBytes('t', treeBytes).hash;
    const rec: SnapshotRecord = {
      id: 'snap_crafted', root, parentId: null, createdAt: Date.now(), fileCount: 1, changedCount: 1,
      bytesWritten: 0, reason: 'crafted', rootPath: ws, changeSource: 'full-scan', stats: { lstats: 0, hashed: 0, events: 0, ms: 0 },
    };
    eng.refs.write(rec);
    return rec;
  }

  it('rejects tree entries named "..", "a/b", absolute, NUL or empty', () => {
    const h = hashBlobBytes('x');
    for (const bad of ['..', '.', 'a/b', '/etc/passwd', 'a\0b', '']) {
      const bytes = Buffer.from(JSON.stringify([[bad, 'file', 0o644, 1, h]]));
      assert.throws(() => parseTree('t', bytes), PathEscapeError, `name ${JSON.stringify(bad)}`);
    }
    assert.equal(parseTree('t', Buffer.from(JSON.stringify([['ok', 'file', 0o644, 1, h]]))).length, 1);
    assert.throws(() => parseTree('t', Buffer.from(JSON.stringify([['ok', 'file', 0o644, 1, 'nothex']]))), InvalidTreeError);
    assert.throws(() => parseTree('t', Buffer.from('[[')), InvalidTreeError);
  });

  it('a crafted tree with "../x" is refused by restore, materialise and readFile; nothing lands outside', async () => {
    const blob = eng.objects.putBytes('b', Buffer.from('pwned')).hash;
    const rec = craftSnapshot([['../x', 'file', 0o644, 5, blob]]);
    fs.writeFileSync(path.join(ws, 'keep.txt'), 'keep');
    await assert.rejects(eng.restore(rec.id, ws), PathEscapeError);
    const out = path.join(base, 'mat');
    await assert.rejects(eng.materialise(rec.id, out), PathEscapeError);
    assert.throws(() => eng.listFiles(rec.id), PathEscapeError);
    assert.throws(() => eng.readFile(rec.id, '../x'), PathEscapeError);
    assert.ok(!fs.existsSync(path.join(base, 'x')));
    assert.ok(!fs.existsSync(path.join(ws, '..', 'x')));
    assert.equal(fs.readFileSync(path.join(ws, 'keep.txt'), 'utf8'), 'keep');
  });

  it('restore refuses to write through a live symlink that points outside (sub -> outside, snapshot has sub/file)', async () => {
    fs.mkdirSync(path.join(ws, 'sub'));
    fs.writeFileSync(path.join(ws, 'sub/file'), 'from the snapshot');
    fs.writeFileSync(path.join(ws, 'other.txt'), 'v1');
    const snap = await eng.take(ws, { reason: 'has sub/file' });
    // The agent replaces sub with a symlink to a folder outside the workspace.
    fs.rmSync(path.join(ws, 'sub'), { recursive: true });
    fs.symlinkSync(outside, path.join(ws, 'sub'));
    fs.writeFileSync(path.join(ws, 'other.txt'), 'v2');
    const before = shapeOf(ws);
    await assert.rejects(eng.restore(snap.id, ws), (e: unknown) => {
      assert.ok(e instanceof PathEscapeError, String(e));
      assert.match(e.message, /sub/);
      assert.match(e.message, /symlink/);
      return true;
    });
    assert.deepEqual(fs.readdirSync(outside), [], 'nothing written outside');
    assert.deepEqual(shapeOf(ws), before, 'nothing written inside either: the refusal came first');
  });

  it('restore never writes through a hard link to a file outside the workspace (files are rewritten in place only when they have one link)', async () => {
    fs.writeFileSync(path.join(ws, 'notes.txt'), 'snapshot content');
    fs.writeFileSync(path.join(ws, 'plain.txt'), 'v1');
    const snap = await eng.take(ws, { reason: 'before' });
    // The agent replaces notes.txt by a hard link to a file of the user's outside the workspace.
    const secret = path.join(outside, 'bashrc');
    fs.writeFileSync(secret, 'the user\'s own file');
    fs.rmSync(path.join(ws, 'notes.txt'));
    fs.linkSync(secret, path.join(ws, 'notes.txt'));
    fs.writeFileSync(path.join(ws, 'plain.txt'), 'v2');
    const plainIno = fs.statSync(path.join(ws, 'plain.txt')).ino;
    await eng.restore(snap.id, ws);
    assert.equal(fs.readFileSync(secret, 'utf8'), 'the user\'s own file', 'the outside file was not written');
    assert.equal(fs.readFileSync(path.join(ws, 'notes.txt'), 'utf8'), 'snapshot content');
    assert.equal(fs.statSync(secret).nlink, 1, 'the workspace path is a new file, no longer a link to it');
    assert.equal(fs.readFileSync(path.join(ws, 'plain.txt'), 'utf8'), 'v1');
    assert.equal(fs.statSync(path.join(ws, 'plain.txt')).ino, plainIno, 'a plain file is rewritten in place');
  });

  it('snapshots store symlinks as links and never follow them', async () => {
    fs.writeFileSync(path.join(outside, 'secret.txt'), 'outside content');
    fs.symlinkSync(outside, path.join(ws, 'linkdir'));
    fs.symlinkSync(path.join(outside, 'secret.txt'), path.join(ws, 'linkfile'));
    const s = await eng.take(ws, { reason: 'links' });
    assert.deepEqual(eng.listFiles(s.id), ['linkdir', 'linkfile']);
    assert.equal(eng.readFile(s.id, 'linkfile')?.toString(), path.join(outside, 'secret.txt'));
    assert.equal(eng.readFile(s.id, 'linkdir/secret.txt'), undefined);
    const out = path.join(base, 'mat');
    await eng.materialise(s.id, out);
    assert.equal(fs.readlinkSync(path.join(out, 'linkdir')), outside);
    assert.ok(fs.lstatSync(path.join(out, 'linkfile')).isSymbolicLink());
  });
});
