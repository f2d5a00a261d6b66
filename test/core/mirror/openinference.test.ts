import { strict as assert } from 'node:assert';
import { OpenInferenceSpanKind, SemanticConventions as SC } from '@arizeai/openinference-semantic-conventions';
import { SpanStatusCode } from '@opentelemetry/api';
import { nodeToSpan } from '../../../src/core/model/spans';
import type { Node } from '../../../src/core/model/types';
import { MAX_VALUE_CHARS, openInferenceAttributes, providerOf } from '../../../src/core/mirror/openinference';
import { mirrorResource, msToHrTime, toReadableSpan } from '../../../src/core/mirror/otlp';
import { Scrubber } from '../../../src/core/redact';

function n(kind: Node['kind'], attributes: Node['attributes'], extra: Partial<Node> = {}): Node {
  return { id: 'nd_x', runId: 'run_x', branchId: 'br_x', seq: 0, kind, name: 'exec: ls', parentNodeId: null, startTime: 1000.5, endTime: 2000, status: 'ok', snapshotId: null, attributes, ...extra };
}

describe('mirror/openinference: spans correct by OpenInference\'s standards', () => {
  const scrub = new Scrubber();

  it('names the provider from the model URL', () => {
    assert.equal(providerOf('https://integrate.api.nvidia.com/v1'), 'nvidia');
    assert.equal(providerOf('https://api.openai.com/v1'), 'openai');
    assert.equal(providerOf('http://127.0.0.1:4000/v1'), 'local');
    assert.equal(providerOf('https://llm.corp.example/v1'), 'llm.corp.example');
    assert.equal(providerOf('not a url'), undefined);
  });

  it('LLM: provider and model from the run, token counts kept', () => {
    const a = openInferenceAttributes(nodeToSpan(n('model_call', { [SC.LLM_TOKEN_COUNT_TOTAL]: 12, [SC.INPUT_VALUE]: '{"messages":[]}' })), { 'nemocognition.model.base_url': 'https://integrate.api.nvidia.com/v1', 'nemocognition.model': 'nvidia/x' }, scrub);
    assert.equal(a[SC.OPENINFERENCE_SPAN_KIND], OpenInferenceSpanKind.LLM);
    assert.equal(a[SC.LLM_PROVIDER], 'nvidia');
    assert.equal(a[SC.LLM_MODEL_NAME], 'nvidia/x');
    assert.equal(a[SC.LLM_TOKEN_COUNT_TOTAL], 12);
    assert.equal(a[SC.INPUT_MIME_TYPE], 'application/json');
  });

  it('TOOL: tool.name from the step when missing; GUARDRAIL: what was checked and what was decided', () => {
    const t = openInferenceAttributes(nodeToSpan(n('tool_call', {})), null, scrub);
    assert.equal(t[SC.TOOL_NAME], 'exec');
    const g = openInferenceAttributes(
      nodeToSpan(n('policy_decision', { 'nemocognition.policy.decision': 'deny', 'nemocognition.policy.rule': 'kernel.fs', 'nemocognition.policy.detail': 'Permission denied', 'nemocognition.policy.path': '/etc/x', 'nemocognition.policy.tool_name': 'exec' }, { status: 'error' })),
      null,
      scrub,
    );
    assert.equal(g[SC.OPENINFERENCE_SPAN_KIND], OpenInferenceSpanKind.GUARDRAIL);
    assert.deepEqual(JSON.parse(String(g[SC.INPUT_VALUE])), { tool_name: 'exec', path: '/etc/x' });
    assert.deepEqual(JSON.parse(String(g[SC.OUTPUT_VALUE])), { decision: 'deny', rule: 'kernel.fs', detail: 'Permission denied' });
    assert.equal(g[SC.OUTPUT_MIME_TYPE], 'application/json');
  });

  it('an agent turn\'s token totals move out of llm.* (Phoenix adds up llm.token_count.* across a trace)', () => {
    const a = openInferenceAttributes(nodeToSpan(n('agent_turn', { [SC.LLM_TOKEN_COUNT_TOTAL]: 500, [SC.LLM_TOKEN_COUNT_PROMPT]: 400 })), null, scrub);
    assert.equal(a[SC.LLM_TOKEN_COUNT_TOTAL], undefined);
    assert.equal(a['nemocognition.turn.token_count.total'], 500);
    assert.equal(a['nemocognition.turn.token_count.prompt'], 400);
  });

  it('gives every value a mime type, clips huge values, and scrubs strings and string arrays', () => {
    const key = 'zz-secret-123456';
    const s = new Scrubber({ secrets: [{ value: key, kind: 'k' }] });
    const a = openInferenceAttributes(nodeToSpan(n('checkpoint', { 'nemocognition.checkpoint.reason': `pre ${key}`, 'output.value': 'x'.repeat(MAX_VALUE_CHARS + 10), list: [key, 'ok'] })), null, s);
    assert.equal(a[SC.INPUT_VALUE], 'pre [REDACTED:k]');
    assert.equal(a[SC.INPUT_MIME_TYPE], 'text/plain');
    assert.ok(String(a[SC.OUTPUT_VALUE]).length < MAX_VALUE_CHARS + 200);
    assert.deepEqual(a.list, ['[REDACTED:k]', 'ok']);
  });

  it('OTLP span: recorded times (sub-millisecond kept), parent, error status with its message and exception event', () => {
    const span = nodeToSpan(n('error', { 'exception.message': 'boom', 'exception.type': 'X' }, { status: 'error', parentNodeId: 'nd_p' }));
    const r = toReadableSpan(span, openInferenceAttributes(span, null, scrub), mirrorResource('p', '1'), 'why');
    assert.deepEqual(r.startTime, [1, 500_000]);
    assert.deepEqual(msToHrTime(1_796_402_776_445), [1_796_402_776, 445_000_000]);
    assert.equal(r.spanContext().spanId, span.spanId);
    assert.equal(r.parentSpanContext!.spanId, span.parentSpanId);
    assert.deepEqual(r.status, { code: SpanStatusCode.ERROR, message: 'why' });
    assert.equal(r.events[0]!.name, 'exception');
    assert.equal(r.resource.attributes['openinference.project.name'], 'p');
    assert.equal(r.resource.attributes['service.name'], 'nemocognition');
  });
});
