import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { EnvelopeError, finalTextOf, parseEnvelope, toolSummaryOf, turnFailureOf } from '../../../src/core/bridge/openclaw/envelope';

/** A real envelope printed by `openclaw agent --local --json` (2026.9.6) for a turn where the supervisor blocked one exec. */
const FIXTURE = readFileSync(join(__dirname, 'fixtures', 'agent-envelope-blocked-2026.9.6.json'), 'utf8');

function kindOf(fn: () => unknown): string {
  try {
    fn();
  } catch (e) {
    assert.ok(e instanceof EnvelopeError, `expected EnvelopeError, got ${String(e)}`);
    return e.kind;
  }
  return 'no error';
}

describe('OpenClaw envelope parser', () => {
  it('parses the captured envelope and exposes the fields NemoCognition uses', () => {
    const env = parseEnvelope(FIXTURE);
    assert.equal(env.meta.agentMeta.sessionId, 's1');
    assert.equal(env.meta.replayInvalid, true);
    assert.equal(env.meta.stopReason, 'stop');
    assert.equal(env.meta.aborted, false);
    assert.deepEqual(toolSummaryOf(env), { calls: 3, tools: ['write', 'exec'], failures: 1, unresolvedError: { toolName: 'exec' } });
    assert.equal(env.meta.agentMeta.usage?.output, 92);
    assert.match(finalTextOf(env), /Warning: nothing stopped/);
  });

  it('parses the real envelope of a failed turn (exit 1: the model sent a malformed tool call 4 times)', () => {
    const failed = parseEnvelope(readFileSync(join(__dirname, 'fixtures', 'agent-envelope-failed-2026.9.6.json'), 'utf8'));
    assert.equal(failed.meta.stopReason, undefined);
    assert.equal(failed.meta.livenessState, 'abandoned');
    assert.equal(failed.payloads[0].isError, true);
    assert.deepEqual(toolSummaryOf(failed), { calls: 0, tools: [], failures: 0 });
    assert.equal(turnFailureOf(failed), 'incomplete_turn: Provider returned an incomplete or malformed tool call');
    assert.equal(turnFailureOf(parseEnvelope(FIXTURE)), undefined);
  });

  it('keeps unknown fields as they came (passthrough)', () => {
    const env = parseEnvelope(FIXTURE);
    const raw = JSON.parse(FIXTURE);
    assert.deepEqual(env, raw);
    assert.equal((env.meta as Record<string, unknown>).livenessState, 'working');
    assert.ok((env.meta as Record<string, unknown>).systemPromptReport);
    const extra = parseEnvelope(JSON.stringify({ ...raw, futureField: { x: 1 } }));
    assert.deepEqual(extra.futureField, { x: 1 });
  });

  it('finds the JSON after (and before) log lines', () => {
    const noisy = `[plugins] loaded nemocog-supervisor\n{"level":"info"} not the envelope\n${FIXTURE}\n[agents] run ended\n`;
    assert.equal(parseEnvelope(noisy).meta.agentMeta.sessionId, 's1');
    const compact = `warn: something\n${JSON.stringify(JSON.parse(FIXTURE))}`;
    assert.equal(parseEnvelope(compact).meta.toolSummary?.calls, 3);
  });

  it('rejects malformed output', () => {
    assert.equal(kindOf(() => parseEnvelope('')), 'malformed');
    assert.equal(kindOf(() => parseEnvelope('Error: gateway not reachable\n')), 'malformed');
    assert.equal(kindOf(() => parseEnvelope(FIXTURE.slice(0, FIXTURE.length / 2))), 'malformed');
    assert.equal(kindOf(() => parseEnvelope('[1,2,3]')), 'malformed');
  });

  it('rejects an envelope without the fields it relies on, or with wrong types', () => {
    const raw = JSON.parse(FIXTURE);
    assert.equal(kindOf(() => parseEnvelope(JSON.stringify({ meta: raw.meta }))), 'missing-fields');
    assert.equal(kindOf(() => parseEnvelope(JSON.stringify({ payloads: [] }))), 'missing-fields');
    assert.equal(kindOf(() => parseEnvelope(JSON.stringify({ ...raw, meta: { ...raw.meta, agentMeta: {} } }))), 'missing-fields');
    assert.equal(kindOf(() => parseEnvelope(JSON.stringify({ ...raw, meta: { ...raw.meta, replayInvalid: 'yes' } }))), 'missing-fields');
    assert.equal(kindOf(() => parseEnvelope(JSON.stringify({ ...raw, meta: { ...raw.meta, toolSummary: { calls: '3', tools: [], failures: 0 } } }))), 'missing-fields');
    assert.equal(kindOf(() => parseEnvelope(JSON.stringify({ ...raw, payloads: [{ text: 42 }] }))), 'missing-fields');
    const msg = (() => {
      try {
        parseEnvelope(JSON.stringify({ payloads: [] }));
      } catch (e) {
        return (e as Error).message;
      }
      return '';
    })();
    assert.match(msg, /missing meta/);
    assert.match(msg, /pinned version/);
  });

  it('a turn without tool calls has an empty tool summary', () => {
    const raw = JSON.parse(FIXTURE);
    delete raw.meta.toolSummary;
    assert.deepEqual(toolSummaryOf(parseEnvelope(JSON.stringify(raw))), { calls: 0, tools: [], failures: 0 });
  });

  it('refuses a 50 MB stdout without parsing it, and honours a configured cap', () => {
    const huge = `{"payloads":[{"text":"${'x'.repeat(50 * 1024 * 1024)}"}],"meta":{}}`;
    const t0 = Date.now();
    assert.equal(kindOf(() => parseEnvelope(huge)), 'too-large');
    assert.ok(Date.now() - t0 < 2000);
    assert.equal(kindOf(() => parseEnvelope(FIXTURE, { maxBytes: 1000 })), 'too-large');
  });
});
