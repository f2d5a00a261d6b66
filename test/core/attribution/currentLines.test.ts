import { strict as assert } from 'node:assert';
import { markersForText, matchLines, ownersAfterSteps } from '../../../src/core/attribution/currentLines';

const marks = (o: ReturnType<typeof ownersAfterSteps>, text: string) => markersForText(o, text).map((m) => `${m.startLine}-${m.endLine}:${m.nodeId}`);

describe('attribution/currentLines: markers follow the text, not the line numbers', () => {
  it('matches equal lines in order, and never two different lines', () => {
    const a = ['a', 'b', 'c', 'd'];
    const b = ['x', 'a', 'c', 'y', 'd'];
    assert.deepEqual([...matchLines(a, b)], [-1, 0, 2, -1, 3]);
    const big = Array.from({ length: 3000 }, (_, i) => `line ${i}`);
    const shuffled = [...big].reverse();
    const m = matchLines(big, shuffled);
    for (let j = 0; j < shuffled.length; j++) if (m[j]! >= 0) assert.equal(big[m[j]!], shuffled[j]);
  });

  it('a marker moves with its line when the user inserts lines above it', () => {
    const o = ownersAfterSteps([{ nodeId: 'n1', ranges: [[2, 3]], after: 'keep\nnew one\nnew two\nend\n' }]);
    assert.deepEqual(marks(o, 'keep\nnew one\nnew two\nend\n'), ['2-3:n1']);
    assert.deepEqual(marks(o, '// header\n// more\nkeep\nnew one\nnew two\nend\n'), ['4-5:n1']);
  });

  it('a line the user changed loses its marker; the unchanged ones keep theirs', () => {
    const o = ownersAfterSteps([{ nodeId: 'n1', ranges: [[1, 3]], after: 'a\nb\nc\n' }]);
    assert.deepEqual(marks(o, 'a\nB (edited)\nc\n'), ['1-1:n1', '3-3:n1']);
    assert.deepEqual(marks(o, 'something else entirely\n'), []);
  });

  it('later steps move earlier writes and take over the lines they rewrite', () => {
    const o = ownersAfterSteps([
      { nodeId: 'n1', ranges: [[1, 2]], after: 'one\ntwo\n' },
      { nodeId: 'n2', ranges: [[1, 1], [3, 3]], after: 'zero\none\nTWO\n' },
    ]);
    assert.deepEqual(marks(o, 'zero\none\nTWO\n'), ['1-1:n2', '2-2:n1', '3-3:n2']);
  });

  it('a step that deleted the file resets ownership', () => {
    const o = ownersAfterSteps([
      { nodeId: 'n1', ranges: [[1, 1]], after: 'x\n' },
      { nodeId: 'n2', ranges: [], after: undefined },
      { nodeId: 'n3', ranges: [[2, 2]], after: 'x\ny\n' },
    ]);
    assert.deepEqual(marks(o, 'x\ny\n'), ['2-2:n3']);
  });
});
