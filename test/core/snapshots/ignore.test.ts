import * as assert from 'node:assert/strict';
import { DEFAULT_IGNORE_GLOBS, IgnoreMatcher, compileGlob } from '../../../src/core/snapshots';

describe('snapshots: ignore globs', () => {
  const m = (pattern: string, rel: string, isDir = false): boolean =>
    new IgnoreMatcher([pattern]).matches(rel, rel.split('/').pop()!, isDir);

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
    assert.ok(!m('a*b', 'a/b'));
    assert.ok(compileGlob('**/tmp').re.test('x/y/tmp'));
    assert.ok(m('file(1).txt', 'file(1).txt'), 'regex characters are literal');
  });

  it('a trailing slash matches directories only', () => {
    assert.ok(m('cache/', 'a/cache', true));
    assert.ok(!m('cache/', 'a/cache', false));
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
});
