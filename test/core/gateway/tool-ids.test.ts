import assert from 'node:assert/strict';
import { normalizeToolCallId, PendingToolCalls, toolCallIdsMatch } from '../../../src/core/gateway/tool-ids';

describe('gateway/tool-ids', () => {
  it('matches ids across the rewrites agents do', () => {
    assert.equal(normalizeToolCallId('call_e2e_1'), 'calle2e1');
    assert.ok(toolCallIdsMatch('call_e2e_1', 'calle2e1')); // seen from OpenClaw 2026.9
    assert.ok(toolCallIdsMatch('chatcmpl-tool-abcdef123456', 'chatcmpltoolabcdef123456'));
    assert.ok(toolCallIdsMatch('call_abcdefghijk', 'callabcde')); // shortened
    assert.ok(!toolCallIdsMatch('call_1', 'call_2'));
    assert.ok(!toolCallIdsMatch('a', 'ab'));
  });
  it('takes each pending call once', () => {
    const p = new PendingToolCalls();
    p.add({ id: 'call_1', name: 'exec', arguments: '{}' });
    p.add({ id: 'call_2', name: 'read', arguments: '{"path":"x"}' });
    assert.equal(p.take('call1', [])?.id, 'call_1');
    assert.equal(p.take('call1', []), null);
    assert.equal(p.take('other', [{ id: 'other', name: 'read', arguments: '{"path":"x"}' }])?.id, 'call_2');
    assert.equal(p.size, 0);
  });
});
