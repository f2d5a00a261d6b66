/**
 * Issue 12's reproducers for the OpenClaw envelope parser: the agent's stdout
 * carries the model's text, so it may be built against the parser. Each case
 * was accepted (or took seconds) before its fix.
 */
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { EnvelopeError, parseEnvelope } from '../../../src/core/bridge/openclaw/envelope';
import { cpuMs } from '../../support/cpuTime';

const FIXTURE = readFileSync(join(__dirname, 'fixtures', 'agent-envelope-blocked-2026.9.6.json'), 'utf8');
const RAW = JSON.parse(FIXTURE);

function envelopeError(stdout: string): EnvelopeError {
  try {
    parseEnvelope(stdout);
  } catch (e) {
    assert.ok(e instanceof EnvelopeError, `expected EnvelopeError, got ${(e as Error)?.name}: ${(e as Error)?.message}`);
    return e;
  }
  assert.fail('expected an EnvelopeError');
}

/** JSON text with `"__DEEP__"` replaced by arrays nested `depth` deep (too deep for JSON.stringify to write). */
const DEEP = '__DEEP__';
const deepen = (json: string, depth: number) => json.replace(`"${DEEP}"`, `${'['.repeat(depth)}1${']'.repeat(depth)}`);
const withMeta = (meta: Record<string, unknown>) => JSON.stringify({ ...RAW, meta: { ...RAW.meta, ...meta } });

describe('issue 12: hostile agent envelopes', () => {
  it('the line-scan fallback is linear: 0.52 M characters of crafted nested openers (was 3.7 s)', function () {
    this.timeout(30_000);
    const opener = `{"a":${'['.repeat(5_000)}\n`;
    const stdout = opener.repeat(50) + '}\n'.repeat(50) + `x${'}'.repeat(5_000)}\n`.repeat(50);
    assert.ok(stdout.length > 500_000);
    const { value: err, ms } = cpuMs(() => envelopeError(stdout));
    assert.equal(err.kind, 'malformed');
    assert.ok(ms < 500, `${ms.toFixed(0)} ms of CPU`);
  });

  it('the fallback still finds an envelope among 10 MB of log lines, fast', function () {
    this.timeout(30_000);
    const logs = '{"level":"info","msg":"x"}\n'.repeat(200_000);
    const { value: env, ms } = cpuMs(() => parseEnvelope(`${logs}${FIXTURE}\n[agents] done\n`, { maxBytes: 20 * 1024 * 1024 }));
    assert.equal(env.meta.agentMeta.sessionId, 's1');
    assert.ok(ms < 5_000, `${ms.toFixed(0)} ms of CPU`);
  });

  it('5,000-deep arrays in usage.input, or a 5,000-deep unresolvedError, are refused (they made Number() and JSON.stringify throw)', () => {
    const deepUsage = deepen(withMeta({ agentMeta: { ...RAW.meta.agentMeta, usage: { input: DEEP } } }), 5_000);
    assert.throws(() => Number(JSON.parse(deepUsage).meta.agentMeta.usage.input), RangeError, 'what openclawAgent.ts would have met');
    assert.match(envelopeError(deepUsage).message, /nests more than 64 levels/);
    const deepError = deepen(withMeta({ toolSummary: { ...RAW.meta.toolSummary, unresolvedError: { toolName: 'exec', detail: DEEP } } }), 5_000);
    assert.throws(() => JSON.stringify(JSON.parse(deepError).meta.toolSummary.unresolvedError), RangeError);
    assert.match(envelopeError(deepError).message, /nests more than 64 levels/);
    assert.match(envelopeError(deepen(withMeta({ executionTrace: { x: DEEP } }), 65)).message, /nests more than 64 levels/);
    assert.doesNotThrow(() => parseEnvelope(deepen(withMeta({ executionTrace: { x: DEEP } }), 50)));
    // Shallow but wrong: an array is not a token count.
    assert.match(envelopeError(withMeta({ agentMeta: { ...RAW.meta.agentMeta, usage: { input: [1] } } })).message, /usage\.input/);
  });

  it('durationMs of Infinity or -1, calls of -1 or 1.5, an empty sessionId and isError: "yes" are refused', () => {
    const cases: Array<[string, RegExp]> = [
      [FIXTURE.replace(/"durationMs":\s*\d+/, '"durationMs": 1e999'), /meta\.durationMs/],
      [withMeta({ durationMs: -1 }), /meta\.durationMs/],
      [withMeta({ toolSummary: { ...RAW.meta.toolSummary, calls: -1 } }), /toolSummary\.calls/],
      [withMeta({ toolSummary: { ...RAW.meta.toolSummary, calls: 1.5 } }), /toolSummary\.calls/],
      [withMeta({ toolSummary: { ...RAW.meta.toolSummary, failures: 2 ** 60 } }), /toolSummary\.failures/],
      [withMeta({ agentMeta: { ...RAW.meta.agentMeta, sessionId: '' } }), /sessionId/],
      [withMeta({ agentMeta: { ...RAW.meta.agentMeta, sessionId: 's\n1' } }), /sessionId/],
      [JSON.stringify({ ...RAW, payloads: [{ text: 'x', isError: 'yes' }] }), /payloads\[0\]\.isError/],
    ];
    for (const [stdout, field] of cases) {
      const e = envelopeError(stdout);
      assert.equal(e.kind, 'missing-fields');
      assert.match(e.message, field);
    }
    assert.ok(FIXTURE.includes('"durationMs"'), 'the fixture has the field the first case rewrites');
  });
});
