import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import { createRequire } from 'node:module';
import * as path from 'node:path';
import { SnapshotEngine } from '../../../src/core/snapshots';
import { assertSameTree, referenceCopy, rmrf, shapeOf, tmpDir } from './helpers';

/** Restore writes only what differs, deletes what the snapshot lacks (never ignored paths), and is undoable. */
const NOT_SNAPSHOTTED = new Set(['.nemocognition', '.git', 'node_modules']);

describe('snapshots: restore', function () {
  this.timeout(60_000);
  let base: string;
  let ws: string;
  let eng: SnapshotEngine;

  beforeEach(async () => {
    base = tmpDir('restore');
    ws = path.join(base, 'ws');
    fs.mkdirSync(path.join(ws, 'src/deep'), { recursive: true });
    for (let i = 0; i < 200; i++) fs.writeFileSync(path.join(ws, `src/f${i}.txt`), `file ${i}\n`.repeat(i + 1));
    fs.writeFileSync(path.join(ws, 'src/deep/run.sh'), '#!/bin/sh\necho hi\n', { mode: 0o755 });
    fs.symlinkSync('src/f1.txt', path.join(ws, 'link'));
    fs.mkdirSync(path.join(ws, 'empty'));
    fs.mkdirSync(path.join(ws, '.git/objects'), { recursive: true });
    fs.writeFileSync(path.join(ws, '.git/HEAD'), 'ref: refs/heads/main\n');
    fs.mkdirSync(path.join(ws, 'node_modules/pkg'), { recursive: true });
    fs.writeFileSync(path.join(ws, 'node_modules/pkg/index.js'), 'module.exports = 1;\n');
    eng = await SnapshotEngine.open(path.join(ws, '.nemocognition'));
  });

  afterEach(() => {
    eng.close();
    rmrf(base);
  });

  function inodes(): Map<string, string> {
    const m = new Map<string, string>();
    const walk = (rel: string): void => {
      for (const name of fs.readdirSync(path.join(ws, rel))) {
        const r = rel === '' ? name : `${rel}/${name}`;
        const st = fs.lstatSync(path.join(ws, r), { bigint: true });
        if (st.isDirectory()) {
          if (name !== '.nemocognition') walk(r);
        } else m.set(r, `${st.ino}:${st.mtimeNs}:${st.ctimeNs}`);
      }
    };
    walk('');
    return m;
  }

  it('writes only differing files and the undo snapshot brings back the pre-restore state', async () => {
    const snapA = await eng.take(ws, { reason: 'A' });
    const refA = path.join(base, 'refA');
    referenceCopy(ws, refA);

    // Edits after A
    fs.writeFileSync(path.join(ws, 'src/f3.txt'), 'changed');
    fs.writeFileSync(path.join(ws, 'src/f4.txt'), 'changed too');
    fs.rmSync(path.join(ws, 'src/f5.txt'));
    fs.writeFileSync(path.join(ws, 'src/new.txt'), 'new');
    fs.mkdirSync(path.join(ws, 'added/dir'), { recursive: true });
    fs.writeFileSync(path.join(ws, 'added/dir/x'), 'x');
    fs.chmodSync(path.join(ws, 'src/deep/run.sh'), 0o644);
    fs.rmSync(path.join(ws, 'link'));
    fs.symlinkSync('elsewhere', path.join(ws, 'link'));
    fs.rmdirSync(path.join(ws, 'empty'));
    fs.writeFileSync(path.join(ws, 'node_modules/pkg/index.js'), 'module.exports = 2;\n');
    fs.writeFileSync(path.join(ws, '.git/HEAD'), 'ref: refs/heads/feature\n');
    const refB = path.join(base, 'refB');
    referenceCopy(ws, refB);
    const gitBefore = fs.readFileSync(path.join(ws, '.git/HEAD'), 'utf8');
    const nmBefore = fs.readFileSync(path.join(ws, 'node_modules/pkg/index.js'), 'utf8');

    const before = inodes();
    const res = await eng.restore(snapA.id, ws);
    const after = inodes();

    assert.deepEqual(res.written.sort(), ['link', 'src/deep/run.sh', 'src/f3.txt', 'src/f4.txt', 'src/f5.txt']);
    assert.deepEqual(res.deleted.sort(), ['added', 'added/dir', 'added/dir/x', 'src/new.txt']);
    // Every other file kept its inode, mtime and ctime: it was not touched.
    const touched = new Set([...res.written, ...res.deleted]);
    let untouched = 0;
    for (const [p, id] of before) {
      if (touched.has(p)) continue;
      assert.equal(after.get(p), id, `${p} was rewritten although it did not differ`);
      untouched++;
    }
    assert.ok(untouched >= 196);
    assertSameTree(ws, refA, 'after restore the workspace equals snapshot A', NOT_SNAPSHOTTED);
    assert.equal(fs.readFileSync(path.join(ws, '.git/HEAD'), 'utf8'), gitBefore, '.git is never restored');
    assert.equal(fs.readFileSync(path.join(ws, 'node_modules/pkg/index.js'), 'utf8'), nmBefore, 'ignored paths are never touched');
    assert.ok(fs.lstatSync(path.join(ws, 'link')).isSymbolicLink());
    assert.equal(fs.statSync(path.join(ws, 'src/deep/run.sh')).mode & 0o777, 0o755);

    // Undo
    const undo = await eng.restore(res.undoSnapshotId, ws);
    assertSameTree(ws, refB, 'restoring the undo snapshot brings back the pre-restore state', NOT_SNAPSHOTTED);
    assert.deepEqual(undo.written.sort(), ['added/dir/x', 'link', 'src/deep/run.sh', 'src/f3.txt', 'src/f4.txt', 'src/new.txt']);
    assert.deepEqual(undo.deleted.sort(), ['empty', 'src/f5.txt']);

    // Restoring the state we are already in writes nothing.
    const again = await eng.restore(res.undoSnapshotId, ws);
    assert.deepEqual([again.written, again.deleted], [[], []]);
  });

  it('rewrites existing files in place: a shorter version leaves no old bytes behind, a longer one is whole, modes follow, read-only files are replaced', async () => {
    const long = 'x'.repeat(100_000);
    fs.writeFileSync(path.join(ws, 'src/shrinks.txt'), long);
    fs.writeFileSync(path.join(ws, 'src/grows.txt'), 'short');
    fs.writeFileSync(path.join(ws, 'src/readonly.txt'), 'v1');
    const a = await eng.take(ws, { reason: 'a' });
    fs.writeFileSync(path.join(ws, 'src/shrinks.txt'), 'tiny');
    fs.writeFileSync(path.join(ws, 'src/grows.txt'), long + long);
    fs.chmodSync(path.join(ws, 'src/grows.txt'), 0o755);
    fs.chmodSync(path.join(ws, 'src/readonly.txt'), 0o644);
    fs.writeFileSync(path.join(ws, 'src/readonly.txt'), 'v2');
    fs.chmodSync(path.join(ws, 'src/readonly.txt'), 0o444);
    const b = await eng.take(ws, { reason: 'b' });
    const ino = fs.statSync(path.join(ws, 'src/shrinks.txt')).ino;
    const r = await eng.restore(a.id, ws);
    assert.deepEqual((await r.durable)?.error, undefined);
    assert.equal(fs.readFileSync(path.join(ws, 'src/shrinks.txt'), 'utf8'), long);
    assert.equal(fs.readFileSync(path.join(ws, 'src/grows.txt'), 'utf8'), 'short');
    assert.equal(fs.statSync(path.join(ws, 'src/grows.txt')).mode & 0o777, 0o644);
    assert.equal(fs.readFileSync(path.join(ws, 'src/readonly.txt'), 'utf8'), 'v1');
    assert.equal(fs.statSync(path.join(ws, 'src/shrinks.txt')).ino, ino, 'rewritten in place');
    await eng.restore(b.id, ws);
    assert.equal(fs.readFileSync(path.join(ws, 'src/shrinks.txt'), 'utf8'), 'tiny');
    assert.equal(fs.statSync(path.join(ws, 'src/shrinks.txt')).size, 4);
    assert.equal(fs.readFileSync(path.join(ws, 'src/grows.txt'), 'utf8'), long + long);
    assert.equal(fs.statSync(path.join(ws, 'src/grows.txt')).mode & 0o777, 0o755);
    assert.equal(fs.readFileSync(path.join(ws, 'src/readonly.txt'), 'utf8'), 'v2');
    // The next checkpoint sees exactly what was restored.
    const c = await eng.take(ws, { reason: 'c' });
    assert.equal(c.root, b.root);
  });

  it('with .git included in snapshots (read-only), restore still never writes or deletes inside .git', async () => {
    eng.close();
    eng = await SnapshotEngine.open(path.join(ws, '.nemocognition'), { includeGit: true });
    fs.mkdirSync(path.join(ws, 'sub/.git'), { recursive: true });
    fs.writeFileSync(path.join(ws, 'sub/.git/config'), 'nested repo');
    const a = await eng.take(ws, { reason: 'with git' });
    assert.equal(eng.readFile(a.id, '.git/HEAD')?.toString(), 'ref: refs/heads/main\n');
    fs.writeFileSync(path.join(ws, '.git/HEAD'), 'ref: refs/heads/other\n');
    fs.writeFileSync(path.join(ws, '.git/new-object'), 'x');
    fs.rmSync(path.join(ws, 'sub/.git'), { recursive: true });
    fs.writeFileSync(path.join(ws, 'src/f0.txt'), 'edited');
    const res = await eng.restore(a.id, ws);
    assert.deepEqual(res.written, ['src/f0.txt']);
    assert.deepEqual(res.deleted, []);
    assert.equal(fs.readFileSync(path.join(ws, '.git/HEAD'), 'utf8'), 'ref: refs/heads/other\n');
    assert.ok(fs.existsSync(path.join(ws, '.git/new-object')));
    assert.ok(!fs.existsSync(path.join(ws, 'sub/.git')));
  });

  it('a file this user cannot read is left out (and said so), and restore leaves it alone', async () => {
    // Tests run as root, which reads everything: simulate the permission check failing for one file.
    const nodeFs = createRequire(__filename)('node:fs') as typeof fs;
    const realAccess = nodeFs.accessSync;
    const secret = path.join(fs.realpathSync(ws), 'src/f9.txt');
    nodeFs.accessSync = ((p: fs.PathLike, mode?: number) => {
      if (String(p) === secret) {
        const e: NodeJS.ErrnoException = new Error('EACCES: permission denied');
        e.code = 'EACCES';
        throw e;
      }
      return realAccess(p, mode);
    }) as typeof fs.accessSync;
    try {
      const a = await eng.take(ws, { reason: 'with unreadable' });
      assert.match(a.note ?? '', /1 path\(s\) could not be read .*src\/f9\.txt/);
      assert.equal(eng.readFile(a.id, 'src/f9.txt'), undefined);
      fs.writeFileSync(path.join(ws, 'src/f10.txt'), 'edited');
      const res = await eng.restore(a.id, ws);
      assert.deepEqual([res.written, res.deleted], [['src/f10.txt'], []]);
      assert.ok(fs.existsSync(secret), 'restore did not delete the file it could not read');
    } finally {
      nodeFs.accessSync = realAccess;
    }
  });

  it('materialise refuses a non-empty folder and fills an empty one', async () => {
    const s = await eng.take(ws, { reason: 'm' });
    const out = path.join(base, 'out');
    fs.mkdirSync(out);
    fs.writeFileSync(path.join(out, 'stray'), '');
    await assert.rejects(eng.materialise(s.id, out), /not empty/);
    assert.deepEqual(fs.readdirSync(out), ['stray']);
    fs.rmSync(path.join(out, 'stray'));
    await eng.materialise(s.id, out);
    const want = shapeOf(ws, new Set(['.nemocognition', '.git', 'node_modules']));
    assert.deepEqual(shapeOf(out), want);
  });

  it('readFile, listFiles, diffLive serve a diff content provider', async () => {
    const s = await eng.take(ws, { reason: 'r' });
    assert.equal(eng.readFile(s.id, 'src/f2.txt')?.toString(), 'file 2\n'.repeat(3));
    assert.equal(eng.readFile(s.id, 'link')?.toString(), 'src/f1.txt');
    assert.equal(eng.readFile(s.id, 'nope'), undefined);
    assert.equal(eng.readFile(s.id, 'src'), undefined);
    const files = eng.listFiles(s.id);
    assert.equal(files.length, 202);
    assert.ok(!files.some((f) => f.startsWith('node_modules') || f.startsWith('.git') || f.startsWith('.nemocognition')));
    fs.writeFileSync(path.join(ws, 'src/f7.txt'), 'edited');
    fs.rmSync(path.join(ws, 'src/f8.txt'));
    const live = await eng.diffLive(s.id, ws);
    assert.deepEqual(live.map((c) => `${c.kind} ${c.path}`).sort(), ['deleted src/f8.txt', 'modified src/f7.txt']);
    // diffLive stored nothing; the next take still stores the edited content.
    const s2 = await eng.take(ws, { reason: 'after diffLive' });
    assert.equal(eng.readFile(s2.id, 'src/f7.txt')?.toString(), 'edited');
  });
});
