/**
 * Issue 12's reproducers for the protocol guards: a message from the webview
 * is untrusted input on the host side (and the other way round).
 */
import assert from 'node:assert/strict';
import { isArrayOf, isAttrValue, isId, isStr } from '../../src/protocol/check';
import { isWebviewMessage } from '../../src/protocol/replay';

describe('issue 12: hostile protocol messages', () => {
  it("isId refuses '../../etc/passwd', '/', and anything path-like", () => {
    for (const bad of ['../../etc/passwd', '/', '..', '.', '.hidden', 'a/b', 'a/../b', 'snap..x', '-rf', ' x', 'x\n', 'é', '', 'x'.repeat(201), 42, null]) {
      assert.equal(isId(bad), false, JSON.stringify(bad));
    }
    for (const good of ['run_lq2x3k9a1b2c3d4e5f6', 'nd_1', 'snap-0002', 'br_main', 'call_A', 'mc_1.2', 'a:b@c']) assert.equal(isId(good), true, good);
    const command = (c: Record<string, unknown>) => isWebviewMessage({ kind: 'command', command: c });
    assert.equal(command({ type: 'selectRun', runId: '../../etc/passwd' }), false);
    assert.equal(command({ type: 'restoreNode', nodeId: '/' }), false);
    assert.equal(isWebviewMessage({ kind: 'request', id: 1, request: { method: 'getNodeDetail', nodeId: '../x' } }), false);
    assert.equal(command({ type: 'selectRun', runId: 'run_1' }), true);
  });

  it('sparse arrays do not pass isArrayOf or isAttrValue (their holes read as undefined)', () => {
    // eslint-disable-next-line no-sparse-arrays
    const sparse = [1, , 3];
    assert.equal(isArrayOf(sparse, (x): x is number => typeof x === 'number'), false);
    assert.equal(isArrayOf(new Array(5), isStr), false);
    assert.equal(isAttrValue(new Array(3)), false);
    // eslint-disable-next-line no-sparse-arrays
    assert.equal(isAttrValue(['a', , 'b']), false);
    assert.equal(isArrayOf([1, 2, 3], (x): x is number => typeof x === 'number'), true);
    assert.equal(isArrayOf([], isStr), true);
  });
});
