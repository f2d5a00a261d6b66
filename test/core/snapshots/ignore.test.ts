import * as assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { DEFAULT_IGNORE_GLOBS, IgnoreMatcher, SnapshotEngine, escapeGitignore, rebaseIgnoreLines } from '../../../src/core/snapshots';
import { requireBinary } from '../../support/realParts';
import { rmrf, tmpDir } from './helpers';

/** Writes files (content = path) under root; a key ending in '/' is an empty folder. */
function plant(root: string, files: Record<string, string | null>): void {
  for (const [rel, content] of Object.entries(files)) {
    const abs = path.join(root, rel);
    if (rel.endsWith('/')) {
      fs.mkdirSync(abs, { recursive: true });
      continue;
    }
    fs.mkdirSync(path.dirname(abs), { recursive: true });
    fs.writeFileSync(abs, content ?? rel);
  }
}

describe('snapshots: ignore rules (gitignore semantics)', function () {
  this.timeout(60_000);
  const m = (pattern: string | string[], rel: string, isDir = false): boolean =>
    new IgnoreMatcher(Array.isArray(pattern) ? pattern : [pattern]).matches(rel, rel.split('/').pop()!, isDir);

  it('matches *, ?, ** and anchoring like gitignore', () => {
    assert.ok(m('*.log', 'a/b/x.log'));
    assert.ok(!m('*.log', 'a/b/x.logs'));
    assert.ok(m('?.txt', 'q/a.txt'));
    assert.ok(!m('?.txt', 'ab.txt'));
    assert.ok(m('build/out/**', 'build/out/x/y.js'));
    assert.ok(!m('build/out/**', 'src/build/out/x'));
    assert.ok(m('/dist', 'dist', true));
    assert.ok(!m('/dist', 'a/dist', true));
    assert.ok(m('docs/**/*.md', 'docs/a/b/c.md'));
    assert.ok(m('docs/**/*.md', 'docs/c.md'));
    assert.ok(!m('docs/**/*.md', 'docs/c.txt'));
    assert.ok(m('a*b', 'aXYb'));
    assert.ok(m('doc/*.txt', 'doc/a.txt'));
    assert.ok(!m('doc/*.txt', 'doc/sub/a.txt'), 'a single * does not cross folders');
    assert.ok(m('**/tmp', 'x/y/tmp'));
    assert.ok(m('file(1).txt', 'file(1).txt'), 'regex characters are literal');
  });

  it('a trailing slash matches directories only', () => {
    assert.ok(m('cache/', 'a/cache', true));
    assert.ok(!m('cache/', 'a/cache', false));
  });

  it('negation, character classes and escapes (what the old hand-written matcher took literally)', () => {
    assert.ok(m(['*.log', '!keep.log'], 'other.log'));
    assert.ok(!m(['*.log', '!keep.log'], 'keep.log'), '!keep.log re-includes it');
    assert.ok(m(['!keep.log', '*.log'], 'keep.log'), 'the last matching pattern decides');
    assert.ok(m('[abc].txt', 'b.txt'));
    assert.ok(!m('[abc].txt', 'd.txt'));
    assert.ok(m('file[0-9].c', 'file7.c'));
    assert.ok(!m('file[0-9].c', 'filex.c'));
    assert.ok(m('[!a]*.c', 'b.c'));
    assert.ok(!m('[!a]*.c', 'a.c'));
    assert.ok(m('\\#notacomment', '#notacomment'), '\\# is a literal #');
    assert.ok(!m('#comment', '#comment'), 'a leading # is a comment');
    assert.ok(m('\\!bang', '!bang'), '\\! is a literal !');
    assert.ok(m('trailing\\ ', 'trailing '), 'an escaped trailing space is kept');
    assert.ok(m('spaces   ', 'spaces'), 'unescaped trailing spaces are not part of the pattern');
    assert.ok(m('star\\*', 'star*'));
    assert.ok(!m('star\\*', 'starX'));
    assert.ok(!m('README.MD', 'readme.md'), 'case-sensitive, as git is on Linux');
  });

  it('patterns of a nested ignore file mean the same once rebased to the root', () => {
    assert.deepEqual(rebaseIgnoreLines('*.tmp\n/only-here\nsub/x\n!keep.tmp\n# c\n\nlogs/\n', 'a/b'), [
      'a/b/**/*.tmp',
      'a/b/only-here',
      'a/b/sub/x',
      '!a/b/**/keep.tmp',
      'a/b/**/logs/',
    ]);
    assert.equal(escapeGitignore('we*ird [dir]!#'), 'we\\*ird \\[dir\\]\\!\\#');
    assert.deepEqual(rebaseIgnoreLines('x', 'we*ird'), ['we\\*ird/**/x']);
  });

  it('always ignores the store and .git unless .git is included; node_modules is a default setting', () => {
    const d = new IgnoreMatcher(DEFAULT_IGNORE_GLOBS);
    assert.ok(d.matches('.nemocognition', '.nemocognition', true));
    assert.ok(d.matches('.git', '.git', true));
    assert.ok(d.matches('x/node_modules', 'node_modules', true));
    assert.ok(d.ignoresPath('x/node_modules/pkg/index.js', false));
    const withGit = new IgnoreMatcher([], { includeGit: true });
    assert.ok(!withGit.matches('.git', '.git', true));
    assert.ok(withGit.matches('.nemocognition', '.nemocognition', true));
    assert.ok(!withGit.matches('node_modules', 'node_modules', true), 'node_modules is only a default, not forced');
  });

  describe('in a workspace', () => {
    let base: string;
    let ws: string;
    beforeEach(() => {
      base = tmpDir('ignore');
      ws = path.join(base, 'ws');
      fs.mkdirSync(ws);
    });
    afterEach(() => rmrf(base));

    const TRICKY = {
      '.gitignore': [
        '*.log', '!keep.log', '[abc].bin', '\\#hash', '\\!bang', 'trail\\ ', '/rootonly.txt', 'dironly/',
        'logs/', '!logs/important.txt', 'doc/*.txt', '**/gen/**', '*.dat', 'secret/', '!secret/', 'UPPER.md', '[!x]*.o',
      ].join('\n'),
      'keep.log': null, 'drop.log': null, 'a.bin': null, 'd.bin': null, '#hash': null, '!bang': null, 'trail ': null, 'trail': null,
      'rootonly.txt': null, 'sub/rootonly.txt': null, 'dironly/f': null, 'sub/dironly': 'a file named dironly',
      'logs/important.txt': null, 'logs/x.txt': null, 'doc/a.txt': null, 'doc/deep/b.txt': null,
      'src/gen/out.js': null, 'src/genx/ok.js': null, 'root.dat': null, 'secret/s.txt': null, 'upper.md': null, 'UPPER.md': null,
      'x.o': null, 'y.o': null,
      'nested/.gitignore': '*.tmp\n!keep.dat\n/anchored.txt\n',
      'nested/a.tmp': null, 'nested/deeper/b.tmp': null, 'top.tmp': null, 'nested/keep.dat': null, 'nested/other.dat': null,
      'nested/anchored.txt': null, 'nested/deeper/anchored.txt': null,
      'nested/deeper/.gitignore': '!b.tmp\n',
      'empty/': null,
    };

    it('the snapshot holds exactly the files `git ls-files --others --exclude-standard` lists', async function () {
      requireBinary(this, 'git', 'to compare with git itself');
      plant(ws, TRICKY);
      execFileSync('git', ['init', '-q', ws], { env: { ...process.env, GIT_CONFIG_GLOBAL: '/dev/null', GIT_CONFIG_NOSYSTEM: '1' } });
      fs.writeFileSync(path.join(ws, '.git/info/exclude'), 'secret/\nexcluded-by-info.txt\n');
      plant(ws, { 'excluded-by-info.txt': null });
      const git = execFileSync('git', ['-c', 'core.quotePath=false', 'ls-files', '-z', '--others', '--exclude-standard'], {
        cwd: ws,
        env: { ...process.env, GIT_CONFIG_GLOBAL: '/dev/null', GIT_CONFIG_NOSYSTEM: '1' },
      })
        .toString('utf8')
        .split('\0')
        .filter((p) => p !== '' && !p.startsWith('.nemocognition/'))
        .sort();
      const eng = await SnapshotEngine.open(path.join(ws, '.nemocognition', 'snapshots'), { ignore: [] });
      try {
        const s = await eng.take(ws, { reason: 'tricky' });
        const ours = eng.listFiles(s.id).sort();
        assert.deepEqual(ours, git);
        // A few of the cases spelled out, so a failure reads clearly.
        for (const kept of ['keep.log', 'd.bin', 'trail', 'sub/rootonly.txt', 'sub/dironly', 'doc/deep/b.txt', 'src/genx/ok.js', 'secret/s.txt', 'upper.md', 'x.o', 'nested/keep.dat', 'nested/deeper/anchored.txt', 'nested/deeper/b.tmp', 'top.tmp']) {
          assert.ok(ours.includes(kept), `${kept} is in the snapshot`);
        }
        for (const gone of ['drop.log', 'a.bin', '#hash', '!bang', 'trail ', 'rootonly.txt', 'dironly/f', 'logs/important.txt', 'doc/a.txt', 'src/gen/out.js', 'root.dat', 'UPPER.md', 'y.o', 'nested/a.tmp', 'nested/other.dat', 'nested/anchored.txt', 'excluded-by-info.txt']) {
          assert.ok(!ours.includes(gone), `${gone} is left out`);
        }
      } finally {
        eng.close();
      }
    });

    it('.nemocognitionignore at any level and the setting add to .gitignore; the setting has the last word', async () => {
      plant(ws, {
        '.gitignore': '*.cache\n',
        '.nemocognitionignore': 'big-assets/\n!wanted.cache\n',
        'sub/.nemocognitionignore': '*.png\n',
        'wanted.cache': null, 'other.cache': null, 'big-assets/x.bin': null, 'sub/a.png': null, 'b.png': null, 'notes.txt': null, 'scratch.txt': null,
      });
      const eng = await SnapshotEngine.open(path.join(ws, '.nemocognition', 'snapshots'), { ignore: ['scratch.txt', 'wanted.cache'] });
      try {
        const files = eng.listFiles((await eng.take(ws, { reason: 'x' })).id);
        assert.deepEqual(files.sort(), ['.gitignore', '.nemocognitionignore', 'b.png', 'notes.txt', 'sub/.nemocognitionignore'].sort());
      } finally {
        eng.close();
      }
      const off = await SnapshotEngine.open(path.join(base, 'store2'), { ignore: [], ignoreFiles: false });
      try {
        assert.ok(off.listFiles((await off.take(ws, { reason: 'x' })).id).includes('big-assets/x.bin'), 'ignoreFiles: false reads no ignore file');
      } finally {
        off.close();
      }
    });

    it('an edited .gitignore takes effect at the next checkpoint, both ways', async () => {
      plant(ws, { '.gitignore': '*.log\n', 'a.log': null, 'src/b.txt': null, 'src/c.txt': null });
      const eng = await SnapshotEngine.open(path.join(ws, '.nemocognition', 'snapshots'), { ignore: [], verifyEvery: 0 });
      try {
        const s1 = await eng.take(ws, { reason: '1' });
        assert.deepEqual(eng.listFiles(s1.id), ['.gitignore', 'src/b.txt', 'src/c.txt']);
        fs.writeFileSync(path.join(ws, '.gitignore'), 'src/c.txt\n');
        const s2 = await eng.take(ws, { reason: '2' });
        assert.equal(s2.changeSource, 'watcher');
        assert.deepEqual(eng.listFiles(s2.id), ['.gitignore', 'a.log', 'src/b.txt']);
        fs.writeFileSync(path.join(ws, 'src/.gitignore'), '!c.txt\nb.txt\n');
        const s3 = await eng.take(ws, { reason: '3' });
        assert.deepEqual(eng.listFiles(s3.id), ['.gitignore', 'a.log', 'src/.gitignore', 'src/c.txt']);
      } finally {
        eng.close();
      }
    });

    it('restore never deletes or overwrites ignored content, even where the snapshot has a file', async () => {
      plant(ws, { '.gitignore': 'build/\n*.log\n', 'src/a.txt': 'v1' });
      const eng = await SnapshotEngine.open(path.join(ws, '.nemocognition', 'snapshots'), { ignore: [] });
      try {
        const s1 = await eng.take(ws, { reason: '1' });
        plant(ws, { 'build/out.o': 'compiled', 'build/deep/x.o': 'compiled', 'debug.log': 'log', 'src/a.txt': 'v2', 'src/new.txt': 'new' });
        await eng.take(ws, { reason: '2' });
        const r = await eng.restore(s1.id, ws);
        assert.deepEqual(r.deleted, ['src/new.txt']);
        assert.equal(fs.readFileSync(path.join(ws, 'src/a.txt'), 'utf8'), 'v1');
        assert.equal(fs.readFileSync(path.join(ws, 'build/out.o'), 'utf8'), 'compiled');
        assert.equal(fs.readFileSync(path.join(ws, 'build/deep/x.o'), 'utf8'), 'compiled');
        assert.equal(fs.readFileSync(path.join(ws, 'debug.log'), 'utf8'), 'log');
      } finally {
        eng.close();
      }
    });

    it('what changes in ignored places is listed on the checkpoint, not stored', async () => {
      plant(ws, { '.gitignore': 'dist/\n*.log\n', 'src/a.txt': 'v1' });
      const eng = await SnapshotEngine.open(path.join(ws, '.nemocognition', 'snapshots'), { ignore: [], verifyEvery: 0 });
      try {
        await eng.take(ws, { reason: '1' });
        plant(ws, { 'dist/bundle.js': 'x', 'src/trace.log': 'y', 'src/a.txt': 'v2' });
        const s = await eng.take(ws, { reason: '2' });
        assert.equal(s.changeSource, 'watcher');
        assert.deepEqual([...(s.ignoredChanges ?? [])].sort(), ['dist/', 'src/trace.log']);
        assert.match(s.note ?? '', /2 changed path\(s\) in ignored folders are listed, not stored/);
        assert.deepEqual(eng.listFiles(s.id), ['.gitignore', 'src/a.txt']);
        fs.writeFileSync(path.join(ws, 'src/a.txt'), 'v3');
        const s2 = await eng.take(ws, { reason: '3' });
        assert.equal(s2.ignoredChanges, undefined, 'unchanged ignored paths are not listed again');
      } finally {
        eng.close();
      }
    });
  });
});
