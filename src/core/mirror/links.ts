/**
 * Phoenix URLs for a run, a branch or a node (pure; shared by the extension's
 * commands, the Replay inspector and the CLI). Phoenix's UI resolves these
 * redirect routes to the right project and page:
 *   /redirects/sessions/<session.id>   the run as a session (session.id = run id)
 *   /redirects/traces/<trace id>       the run's trace: the DAG as a span tree
 *   /redirects/spans/<span id>         one node (or a branch's AGENT span)
 */
import { spanIdForNode, traceIdForRun } from '../model/ids';
import { branchSpanId, runSpanId } from '../model/spans';

export const DEFAULT_PHOENIX_ENDPOINT = 'http://127.0.0.1:6006';
export const DEFAULT_PHOENIX_PROJECT = 'nemocognition';

export class PhoenixEndpointError extends Error {
  override name = 'PhoenixEndpointError';
  readonly fix = 'Set nemocognition.phoenix.endpoint (or --endpoint) to the Phoenix server\'s base URL, e.g. http://127.0.0.1:6006.';
}

/**
 * The server's base URL: http(s) only, no credentials, no query; a pasted OTLP path
 * (`/v1/traces`) or trailing slashes are dropped. A path prefix (Phoenix behind a proxy) is kept.
 */
export function phoenixBaseUrl(endpoint: string): string {
  const raw = endpoint.trim();
  let u: URL;
  try {
    u = new URL(raw);
  } catch {
    throw new PhoenixEndpointError(`"${raw}" is not a URL.`);
  }
  if (u.protocol !== 'http:' && u.protocol !== 'https:') throw new PhoenixEndpointError(`The Phoenix endpoint must be http:// or https://, not ${u.protocol}`);
  if (u.username || u.password) throw new PhoenixEndpointError('The Phoenix endpoint must not contain a user name or password; put the API key in NemoCognition: Set Phoenix API Key.');
  const path = u.pathname.replace(/\/+$/, '').replace(/\/v1\/traces$/, '').replace(/\/+$/, '');
  return `${u.protocol}//${u.host}${path}`;
}

export function phoenixSessionUrl(endpoint: string, runId: string): string {
  return `${phoenixBaseUrl(endpoint)}/redirects/sessions/${encodeURIComponent(runId)}`;
}

export function phoenixTraceUrl(endpoint: string, runId: string): string {
  return `${phoenixBaseUrl(endpoint)}/redirects/traces/${traceIdForRun(runId)}`;
}

export function phoenixSpanUrl(endpoint: string, spanId: string): string {
  if (!/^[0-9a-f]{16}$/.test(spanId)) throw new PhoenixEndpointError(`"${spanId}" is not an OTLP span id (16 hex digits).`);
  return `${phoenixBaseUrl(endpoint)}/redirects/spans/${spanId}`;
}

/** A node's span (for "Open in Phoenix" on a step). */
export function phoenixNodeUrl(endpoint: string, nodeId: string): string {
  return phoenixSpanUrl(endpoint, spanIdForNode(nodeId));
}

export function phoenixBranchUrl(endpoint: string, branchId: string): string {
  return phoenixSpanUrl(endpoint, branchSpanId(branchId));
}

export function phoenixRunSpanUrl(endpoint: string, runId: string): string {
  return phoenixSpanUrl(endpoint, runSpanId(runId));
}
