import { strict as assert } from 'node:assert';
import { buildCorrectionPrompt, needsRecovery, RECOVERY_MARKER } from '../../../src/core/recovery';

describe('recovery decisions', () => {
  it('does not recover when there was no denial', () => {
    const v = needsRecovery({ deniedCallIndexes: [], toolCalls: [{ ok: true, mutating: true }], turnFailed: false, replayInvalid: true });
    assert.equal(v.recover, false);
  });

  it('does not recover when the agent pivoted after the denial and finished', () => {
    const v = needsRecovery({
      deniedCallIndexes: [1],
      toolCalls: [{ ok: true, mutating: true }, { ok: false, mutating: true }, { ok: true, mutating: true }],
      turnFailed: false,
      replayInvalid: true,
    });
    assert.equal(v.recover, false);
  });

  it('recovers by restoring when the denial ended progress after side effects', () => {
    const v = needsRecovery({
      deniedCallIndexes: [1],
      toolCalls: [{ ok: true, mutating: true }, { ok: false, mutating: true }, { ok: true, mutating: false }],
      turnFailed: false,
      replayInvalid: false,
    });
    assert.deepEqual(v.recover && v.mode, 'restore');
  });

  it('retries in place only when nothing was mutated and OpenClaw says replay is valid', () => {
    const v = needsRecovery({ deniedCallIndexes: [0], toolCalls: [{ ok: false, mutating: false }], turnFailed: false, replayInvalid: false });
    assert.deepEqual(v.recover && v.mode, 'retry');
    const w = needsRecovery({ deniedCallIndexes: [0], toolCalls: [{ ok: false, mutating: false }], turnFailed: false, replayInvalid: true });
    assert.deepEqual(w.recover && w.mode, 'restore');
  });
});

describe('correction prompt', () => {
  const prompt = buildCorrectionPrompt({
    task: 'Add a greeting module',
    attempt: 1,
    maxAttempts: 2,
    denied: [{ tool: 'exec', attempted: 'echo x > /etc/nemocog-demo', source: 'kernel (Landlock)', rule: 'filesystem.read_write', detail: '/bin/bash: line 1: /etc/nemocog-demo: Permission denied' }],
    startsFrom: 'the original workspace',
    allowedWrite: ['the workspace (current directory)'],
    allowedRead: ['system files'],
    allowedNetwork: ['the model endpoint'],
  });

  it('names what was attempted, denied by which rule, and what is allowed', () => {
    assert.match(prompt, new RegExp(`^\\[${RECOVERY_MARKER} 1/2\\]`));
    assert.match(prompt, /echo x > \/etc\/nemocog-demo/);
    assert.match(prompt, /rule: filesystem\.read_write/);
    assert.match(prompt, /- write: the workspace/);
    assert.match(prompt, /Add a greeting module/);
  });

  it('carries no checkpoint or snapshot ids', () => {
    assert.doesNotMatch(prompt, /snap_|nd_|br_|run_|checkpoint/i);
  });
});
