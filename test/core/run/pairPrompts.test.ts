/** What each agent of a pair is told, and how the reviewer's answer is read. */
import assert from 'node:assert/strict';
import { coderFirstTurn, coderFixTurn, PAIR_MARKER, reviewApproved, reviewerTurn } from '../../../src/core/run/pairPrompts';
import { Conversation } from '../../../src/core/demo/conversation';
import { pair } from '../../../src/core/demo/scenarios/pair';

describe('pair prompts', () => {
  it('start with a marker naming the role and the turn, and carry what the other agent did', () => {
    assert.match(coderFirstTurn('Add greet').message, new RegExp(`^\\[${PAIR_MARKER} · coder · turn 1\\]`));
    const review = reviewerTurn('Add greet', 1, ['src/greeting.ts'], 'Ready for review.');
    assert.match(review.message, /^\[NemoCognition pair · reviewer · turn 1\]/);
    assert.match(review.message, /src\/greeting\.ts/);
    assert.match(review.message, /The coder said: "Ready for review\."/);
    assert.match(coderFixTurn(2, 'FIX: handle empty names').message, /^\[NemoCognition pair · coder · fix · turn 2\][\s\S]*FIX: handle empty names/);
  });

  it('reads APPROVED as approval only without a FIX line', () => {
    assert.equal(reviewApproved('APPROVED: looks good'), true);
    assert.equal(reviewApproved('Looks fine.\nAPPROVED'), true);
    assert.equal(reviewApproved('APPROVED\nFIX: one more thing'), false);
    assert.equal(reviewApproved('FIX: greet("") is wrong'), false);
    assert.equal(reviewApproved(null), false);
  });

  it('drive the scripted pair scenario: each role gets its own script', () => {
    const tools = [
      { type: 'function', function: { name: 'exec', parameters: { properties: { command: {} } } } },
      { type: 'function', function: { name: 'write', parameters: { properties: { path: {}, content: {} } } } },
    ];
    const reply = (message: string) => pair.reply({ conversation: new Conversation({ messages: [{ role: 'user', content: message }], tools }), options: { outsidePath: '/etc/x', probeTcpPort: 22, probeUdpPort: 53 }, state: new Map() });
    assert.deepEqual(reply(coderFirstTurn('t').message), { kind: 'tools', calls: [{ name: 'write', arguments: JSON.stringify({ path: 'src/greeting.ts', content: "export function greet(name: string): string {\n  return 'Hello, ' + name + '!';\n}\n" }) }] });
    assert.deepEqual(reply(reviewerTurn('t', 1, [], null).message), { kind: 'tools', calls: [{ name: 'exec', arguments: JSON.stringify({ command: 'cat src/greeting.ts' }) }] });
    assert.deepEqual(reply(coderFixTurn(2, 'FIX: x').message), { kind: 'tools', calls: [{ name: 'exec', arguments: JSON.stringify({ command: 'cat REVIEW.md' }) }] });
  });
});
