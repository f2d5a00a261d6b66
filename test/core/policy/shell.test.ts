import assert from 'node:assert/strict';
import { parseShell } from '../../../src/core/policy/shell';

const argvs = (s: string) => parseShell(s).commands.map((c) => c.argv);

describe('policy/parseShell', () => {
  it('splits lists and pipelines, keeping pipe links', () => {
    const p = parseShell('a 1 && b 2 || c; d | e |& f & g\nh');
    assert.deepEqual(
      p.commands.map((c) => c.argv[0]),
      ['a', 'b', 'c', 'd', 'e', 'f', 'g', 'h'],
    );
    assert.equal(p.commands[4].pipedFrom, p.commands[3]);
    assert.equal(p.commands[5].pipedFrom, p.commands[4]);
    assert.equal(p.commands[6].pipedFrom, null);
  });

  it('removes quotes and escapes, and knows which words were quoted', () => {
    const [c] = parseShell(`echo 'a b' "c \\"d\\" $X" e\\ f *.ts "*.md"`).commands;
    assert.deepEqual(c.argv, ['echo', 'a b', 'c "d" $X', 'e f', '*.ts', '*.md']);
    assert.deepEqual(c.quoted, [false, true, true, false, false, true]);
  });

  it('reads redirections (with fds) and ignores fd duplication', () => {
    const [c] = parseShell('cmd > out.txt 2>&1 >> log 2> err < in &> all').commands;
    assert.deepEqual(
      c.redirects.map((r) => [r.op, r.fd, r.target]),
      [
        ['>', null, 'out.txt'],
        ['>>', null, 'log'],
        ['>', 2, 'err'],
        ['<', null, 'in'],
        ['&>', null, 'all'],
      ],
    );
    assert.deepEqual(c.argv, ['cmd']);
  });

  it('skips heredoc bodies but keeps the redirect', () => {
    const p = parseShell("cat <<'EOF' > /etc/x\nrm -rf /\nEOF\necho after");
    assert.deepEqual(argvs("cat <<'EOF' > /etc/x\nrm -rf /\nEOF\necho after"), [['cat'], ['echo', 'after']]);
    assert.equal(p.commands[0].redirects.find((r) => r.op === '>')?.target, '/etc/x');
  });

  it('lists command substitutions as commands of their own', () => {
    assert.deepEqual(argvs('echo "$(cat ~/.ssh/id_rsa)" `whoami` $(ls $(pwd))'), [['echo', '$(cat ~/.ssh/id_rsa)', '`whoami`', '$(ls $(pwd))'], ['cat', '~/.ssh/id_rsa'], ['whoami'], ['ls', '$(pwd)'], ['pwd']]);
  });

  it('separates leading assignments and drops comments', () => {
    const [c] = parseShell('FOO=1 BAR="x y" make test # a comment; rm -rf /').commands;
    assert.deepEqual(c.assignments, ['FOO=1', 'BAR=x y']);
    assert.deepEqual(c.argv, ['make', 'test']);
    assert.equal(parseShell('FOO=1 BAR="x y" make test # a comment; rm -rf /').commands.length, 1);
  });

  it('never throws and reports what it could not parse', () => {
    assert.deepEqual(parseShell('echo "open').warnings, ['unterminated double quote']);
    assert.deepEqual(parseShell("echo 'open").warnings, ['unterminated single quote']);
    for (const s of ['$(', '((', ')))', '|||', '<<', '>', '`', '\\']) parseShell(s);
  });
});
