/**
 * OpenInference LLM-span attributes for one recorded model call, flattened
 * the way OpenInference expects (llm.input_messages.N.message.role, ...).
 * Values go through the scrubber again: a record built elsewhere may not have been.
 */
import { MimeType, OpenInferenceSpanKind, SemanticConventions as SC } from '@arizeai/openinference-semantic-conventions';
import type { AttrValue, Attributes } from '../model/types';
import { Scrubber } from '../redact/scrubber';
import type { ChatMessageRecord, ModelCallRecord } from './types';

const defaultScrubber = new Scrubber();

function putMessage(out: Attributes, prefix: string, m: ChatMessageRecord): void {
  out[`${prefix}.${SC.MESSAGE_ROLE}`] = m.role;
  if (m.content !== null && m.content !== undefined) out[`${prefix}.${SC.MESSAGE_CONTENT}`] = m.content;
  if (m.parts) {
    m.parts.forEach((p, k) => {
      const pp = `${prefix}.${SC.MESSAGE_CONTENTS}.${k}`;
      out[`${pp}.${SC.MESSAGE_CONTENT_TYPE}`] = p.type;
      if (p.text !== undefined) out[`${pp}.${SC.MESSAGE_CONTENT_TEXT}`] = p.text;
    });
  }
  if (m.name) out[`${prefix}.${SC.MESSAGE_NAME}`] = m.name;
  if (m.toolCallId) out[`${prefix}.${SC.MESSAGE_TOOL_CALL_ID}`] = m.toolCallId;
  m.toolCalls?.forEach((tc, j) => {
    const tp = `${prefix}.${SC.MESSAGE_TOOL_CALLS}.${j}`;
    if (tc.id) out[`${tp}.${SC.TOOL_CALL_ID}`] = tc.id;
    out[`${tp}.${SC.TOOL_CALL_FUNCTION_NAME}`] = tc.name;
    out[`${tp}.${SC.TOOL_CALL_FUNCTION_ARGUMENTS_JSON}`] = tc.arguments;
  });
  // OpenInference has no key for a reasoning trace yet; keep it beside the message.
  if (m.reasoning) out[`${prefix}.message.reasoning_content`] = m.reasoning;
}

export function toOpenInferenceAttributes(record: ModelCallRecord, scrubber: Scrubber = defaultScrubber): Attributes {
  const out: Attributes = {};
  const set = (k: string, v: AttrValue | null | undefined) => {
    if (v !== null && v !== undefined) out[k] = v;
  };
  set(SC.OPENINFERENCE_SPAN_KIND, OpenInferenceSpanKind.LLM);
  set(SC.LLM_MODEL_NAME, record.response.model ?? record.request.upstreamModel ?? record.request.model);
  set(SC.LLM_REQUEST_MODEL_NAME, record.request.upstreamModel ?? record.request.model);
  set(SC.LLM_RESPONSE_MODEL_NAME, record.response.model);
  set(SC.LLM_INVOCATION_PARAMETERS, JSON.stringify(record.request.invocationParameters));
  record.request.messages.forEach((m, i) => putMessage(out, `${SC.LLM_INPUT_MESSAGES}.${i}`, m));
  if (record.response.message) putMessage(out, `${SC.LLM_OUTPUT_MESSAGES}.0`, record.response.message);
  record.request.tools.forEach((t, i) => {
    out[`${SC.LLM_TOOLS}.${i}.${SC.TOOL_JSON_SCHEMA}`] = JSON.stringify(t);
  });
  if (record.usage) {
    set(SC.LLM_TOKEN_COUNT_PROMPT, record.usage.promptTokens);
    set(SC.LLM_TOKEN_COUNT_COMPLETION, record.usage.completionTokens);
    set(SC.LLM_TOKEN_COUNT_TOTAL, record.usage.totalTokens);
    set(SC.LLM_TOKEN_COUNT_COMPLETION_DETAILS_REASONING, record.usage.reasoningTokens);
    set(SC.LLM_TOKEN_COUNT_PROMPT_DETAILS_CACHE_READ, record.usage.cachedPromptTokens);
  }
  set(SC.LLM_FINISH_REASON, record.response.finishReason);
  set(SC.INPUT_VALUE, JSON.stringify({ messages: record.request.messages, tools: record.request.tools }));
  set(SC.INPUT_MIME_TYPE, MimeType.JSON);
  if (record.response.message) {
    set(SC.OUTPUT_VALUE, JSON.stringify(record.response.message));
    set(SC.OUTPUT_MIME_TYPE, MimeType.JSON);
  }
  set('nemocognition.llm.call_id', record.callId);
  set('nemocognition.llm.stream', record.stream);
  set('nemocognition.llm.latency_ms', record.latencyMs);
  set('nemocognition.llm.ttft_ms', record.ttftMs);
  set('nemocognition.llm.status', record.status);
  set('nemocognition.llm.error', record.error);
  set('nemocognition.llm.upstream_status', record.upstreamStatus);
  set('nemocognition.llm.client_status', record.clientStatus);
  set('nemocognition.llm.traceparent', record.traceparent);
  set('nemocognition.llm.hook_error', record.hookError);
  set('nemocognition.llm.refusal', record.refusal);
  return scrubber.scrubDeep(out);
}
