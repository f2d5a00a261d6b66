import { strict as assert } from 'node:assert';
import { changedLineRanges } from '../../../src/core/attribution/lineDiff';

describe('changedLineRanges', () => {
  it('attributes a whole new file', () => {
    assert.deepEqual(changedLineRanges('', 'a\nb\nc\n'), [[1, 3]]);
  });
  it('finds inserted and modified lines, not moved context', () => {
    const before = 'one\ntwo\nthree\nfour\n';
    const after = 'one\nTWO\nthree\ninserted\nfour\nfive\n';
    assert.deepEqual(changedLineRanges(before, after), [[2, 2], [4, 4], [6, 6]]);
  });
  it('returns nothing for pure deletions', () => {
    assert.deepEqual(changedLineRanges('a\nb\nc\n', 'a\nc\n'), []);
  });
  it('agrees with a brute-force LCS on random inputs', () => {
    let seed = 7;
    const rnd = () => ((seed = (seed * 1103515245 + 12345) & 0x7fffffff) / 0x7fffffff);
    for (let t = 0; t < 200; t++) {
      const a = Array.from({ length: Math.floor(rnd() * 12) }, () => 'abc'[Math.floor(rnd() * 3)]!);
      const b = Array.from({ length: Math.floor(rnd() * 12) }, () => 'abc'[Math.floor(rnd() * 3)]!);
      const ranges = changedLineRanges(a.join('\n'), b.join('\n'));
      const inserted = ranges.reduce((s, [x, y]) => s + (y - x + 1), 0);
      // LCS length by DP: inserted lines = |b| - LCS
      const dp = Array.from({ length: a.length + 1 }, () => new Array<number>(b.length + 1).fill(0));
      for (let i = 1; i <= a.length; i++) for (let j = 1; j <= b.length; j++) dp[i]![j] = a[i - 1] === b[j - 1] ? dp[i - 1]![j - 1]! + 1 : Math.max(dp[i - 1]![j]!, dp[i]![j - 1]!);
      assert.equal(inserted, b.length - dp[a.length]![b.length]!, `case ${t}: ${a} -> ${b}`);
    }
  });
});
