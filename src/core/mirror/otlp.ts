/**
 * Store spans as OpenTelemetry ReadableSpans, the input of the OTLP/protobuf
 * exporter. Ids come from the store (hex trace id = the run, span id from the
 * node id), times are the recorded ones, never "now".
 */
import { SpanKind, SpanStatusCode, TraceFlags, type HrTime, type Link, type SpanContext } from '@opentelemetry/api';
import { resourceFromAttributes, type Resource } from '@opentelemetry/resources';
import type { ReadableSpan, TimedEvent } from '@opentelemetry/sdk-trace-base';
import { SEMRESATTRS_PROJECT_NAME } from '@arizeai/openinference-semantic-conventions';
import type { SpanRecord } from '../model/spans';
import type { Attributes } from '../model/types';

export const SERVICE_NAME = 'nemocognition';
export const SCOPE = { name: 'nemocognition.phoenix-mirror', version: '1' };

export function msToHrTime(ms: number): HrTime {
  const whole = Math.floor(ms);
  const sec = Math.floor(whole / 1000);
  const nanos = Math.round((ms - sec * 1000) * 1e6);
  return nanos >= 1e9 ? [sec + 1, nanos - 1e9] : [sec, nanos];
}

export function mirrorResource(project: string, version: string): Resource {
  return resourceFromAttributes({ 'service.name': SERVICE_NAME, 'service.version': version, [SEMRESATTRS_PROJECT_NAME]: project });
}

function context(traceId: string, spanId: string): SpanContext {
  return { traceId, spanId, traceFlags: TraceFlags.SAMPLED, isRemote: false };
}

/** `attributes` are the span's final (OpenInference, scrubbed) attributes. */
export function toReadableSpan(span: SpanRecord, attributes: Attributes, resource: Resource, statusMessage?: string): ReadableSpan {
  const start = msToHrTime(span.startTime);
  const endMs = Math.max(span.endTime, span.startTime);
  const end = msToHrTime(endMs);
  const links: Link[] = (span.links ?? []).map((l) => ({ context: context(l.traceId, l.spanId), attributes: l.attributes }));
  const events: TimedEvent[] = [];
  if (span.status === 'error' && typeof attributes['exception.message'] === 'string') {
    events.push({
      name: 'exception',
      time: end,
      attributes: {
        'exception.message': attributes['exception.message'],
        ...(typeof attributes['exception.type'] === 'string' ? { 'exception.type': attributes['exception.type'] } : {}),
      },
    });
  }
  return {
    name: span.name,
    kind: SpanKind.INTERNAL,
    spanContext: () => context(span.traceId, span.spanId),
    ...(span.parentSpanId ? { parentSpanContext: context(span.traceId, span.parentSpanId) } : {}),
    startTime: start,
    endTime: end,
    duration: msToHrTime(endMs - span.startTime),
    status:
      span.status === 'ok'
        ? { code: SpanStatusCode.OK }
        : span.status === 'error'
          ? { code: SpanStatusCode.ERROR, ...(statusMessage ? { message: statusMessage } : {}) }
          : { code: SpanStatusCode.UNSET },
    attributes,
    links,
    events,
    ended: true,
    resource,
    instrumentationScope: SCOPE,
    droppedAttributesCount: 0,
    droppedEventsCount: 0,
    droppedLinksCount: 0,
  };
}
