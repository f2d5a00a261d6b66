/**
 * Errors the gateway itself produces, in OpenAI's error shape so any
 * OpenAI-compatible client (OpenClaw included) surfaces the message.
 * Messages say what happened and what to do.
 */
import type { ServerResponse } from 'node:http';
import { sseData } from './sse';

export interface OpenAIError {
  error: { message: string; type: string; code: string; param: null };
}

export function openAIError(message: string, type: string, code: string): OpenAIError {
  return { error: { message, type, code, param: null } };
}

export function sendJsonError(res: ServerResponse, status: number, body: OpenAIError, extraHeaders: Record<string, string> = {}): void {
  if (res.headersSent) {
    res.end();
    return;
  }
  const bytes = Buffer.from(JSON.stringify(body));
  res.writeHead(status, { 'content-type': 'application/json', 'content-length': String(bytes.length), ...extraHeaders });
  res.end(bytes);
}

/** An error inside an SSE stream that has already started: OpenAI's SDK raises `data: {"error": ...}` as an APIError. */
export function sseError(body: OpenAIError): Buffer {
  return sseData(body);
}

export class UpstreamTimeout extends Error {
  constructor(ms: number) {
    super(`the model endpoint sent nothing for ${Math.round(ms / 1000)} s`);
    this.name = 'UpstreamTimeout';
  }
}
