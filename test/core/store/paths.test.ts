import { strict as assert } from 'node:assert';
import { execFileSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { excludeFromGit, storeDirFor } from '../../../src/core/store/paths';
import { rmDir, tmpDir } from './helpers';

describe('store/paths', () => {
  let ws: string;
  beforeEach(() => (ws = tmpDir('nc-ws-')));
  afterEach(() => rmDir(ws));

  it('puts the store in <workspace>/.nemocognition/store', () => {
    assert.equal(storeDirFor('/a/b'), path.join('/a/b', '.nemocognition', 'store'));
  });

  it('adds .nemocognition/ to .git/info/exclude once, keeping what was there', () => {
    execFileSync('git', ['init', '-q', ws]);
    const exclude = path.join(ws, '.git', 'info', 'exclude');
    fs.writeFileSync(exclude, '# mine\n*.log'); // no trailing newline
    const headBefore = fs.readFileSync(path.join(ws, '.git', 'HEAD'));
    assert.equal(excludeFromGit(ws), exclude);
    assert.equal(excludeFromGit(ws), exclude);
    const text = fs.readFileSync(exclude, 'utf8');
    assert.ok(text.startsWith('# mine\n*.log\n'));
    assert.equal(text.split('\n').filter((l) => l === '/.nemocognition/').length, 1);
    assert.deepEqual(fs.readFileSync(path.join(ws, '.git', 'HEAD')), headBefore);
    fs.mkdirSync(path.join(ws, '.nemocognition', 'store'), { recursive: true });
    fs.writeFileSync(path.join(ws, '.nemocognition', 'store', 'x'), 'x');
    fs.writeFileSync(path.join(ws, 'tracked.txt'), 'y');
    const status = execFileSync('git', ['status', '--porcelain', '--untracked-files=all'], { cwd: ws, encoding: 'utf8' });
    assert.equal(status.trim(), '?? tracked.txt');
  });

  it('creates info/exclude when missing, follows a worktree .git file, and ignores non-repos', () => {
    execFileSync('git', ['init', '-q', ws]);
    fs.rmSync(path.join(ws, '.git', 'info'), { recursive: true, force: true });
    assert.ok(excludeFromGit(ws));
    assert.match(fs.readFileSync(path.join(ws, '.git', 'info', 'exclude'), 'utf8'), /^# NemoCognition.*\n\/\.nemocognition\/\n$/);

    execFileSync('git', ['-C', ws, '-c', 'user.email=a@b', '-c', 'user.name=a', 'commit', '-q', '--allow-empty', '-m', 'x']);
    const wt = path.join(ws, 'wt');
    execFileSync('git', ['-C', ws, 'worktree', 'add', '-q', wt]);
    assert.equal(excludeFromGit(wt), path.join(ws, '.git', 'info', 'exclude'));

    const plain = tmpDir('nc-plain-');
    try {
      assert.equal(excludeFromGit(plain), null);
      assert.ok(!fs.existsSync(path.join(plain, '.git')));
    } finally {
      rmDir(plain);
    }
  });
});
