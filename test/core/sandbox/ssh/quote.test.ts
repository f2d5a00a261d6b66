import * as assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { shellJoin, shellQuote } from '../../../../src/core/sandbox/ssh/quote';

describe('shell quoting', () => {
  it('leaves plain words alone and single-quotes the rest', () => {
    assert.equal(shellQuote('abc-1.2/x'), 'abc-1.2/x');
    assert.equal(shellQuote(''), "''");
    assert.equal(shellQuote("it's"), `'it'\\''s'`);
    assert.throws(() => shellQuote('a\0b'), /NUL/);
  });

  it('round-trips random byte strings through a real sh', () => {
    const alphabet = ` \t\n'"\\$\`!*?[]{}()<>|&;#~%=,-_.aZ9ü✓`;
    let seed = 7;
    const rnd = (n: number): number => {
      seed = (seed * 1103515245 + 12345) % 2 ** 31;
      return seed % n;
    };
    for (let round = 0; round < 200; round++) {
      const args = Array.from({ length: 1 + rnd(5) }, () =>
        Array.from({ length: rnd(12) }, () => alphabet[rnd(alphabet.length)]).join(''),
      );
      // printf is a shell builtin: each argument comes back NUL-terminated, exactly as sh parsed it.
      const out = execFileSync('sh', ['-c', `printf '%s\\0' ${shellJoin(args)}`], { encoding: 'utf8' });
      assert.deepEqual(out.split('\0').slice(0, -1), args);
    }
  });
});
