/**
 * checkPhoenix: is there a Phoenix at this endpoint that will take our spans?
 * (For `nemocog doctor`, the settings UI and the mirror's first message.)
 * Three requests, no side effects: the version route, the projects list (auth),
 * and an empty OTLP/protobuf export (the ingest route and its content type).
 */
import { PhoenixError, describeFailure } from './client';
import { PhoenixEndpointError, phoenixBaseUrl } from './links';

export type PhoenixCheck =
  | { ok: true; endpoint: string; version: string | null; authenticated: boolean }
  | { ok: false; endpoint: string; reason: string; fix: string };

export async function checkPhoenix(endpoint: string, opts: { apiKey?: string; timeoutMs?: number } = {}): Promise<PhoenixCheck> {
  let base: string;
  try {
    base = phoenixBaseUrl(endpoint);
  } catch (err) {
    const e = err as PhoenixEndpointError;
    return { ok: false, endpoint, reason: e.message, fix: e.fix };
  }
  const auth: Record<string, string> = opts.apiKey ? { authorization: `Bearer ${opts.apiKey}` } : {};
  const timeout = opts.timeoutMs ?? 5_000;
  const call = async (path: string, init: RequestInit, what: string): Promise<Response> => {
    let res: Response;
    try {
      res = await fetch(`${base}${path}`, { ...init, headers: { ...auth, ...(init.headers as Record<string, string>) }, signal: AbortSignal.timeout(timeout) });
    } catch (err) {
      throw describeFailure(err, base, what);
    }
    if (!res.ok) {
      await res.body?.cancel().catch(() => undefined);
      throw describeFailure({ code: res.status, message: res.statusText }, base, what);
    }
    return res;
  };
  try {
    const v = await call('/arize_phoenix_version', {}, 'asking its version');
    const version = (await v.text()).trim() || v.headers.get('x-phoenix-server-version');
    await (await call('/v1/projects?limit=1', { headers: { accept: 'application/json' } }, 'listing projects')).body?.cancel();
    // An empty ExportTraceServiceRequest is zero bytes of protobuf: accepted, stores nothing.
    await (await call('/v1/traces', { method: 'POST', headers: { 'content-type': 'application/x-protobuf' }, body: new Uint8Array(0) }, 'checking the OTLP route')).body?.cancel();
    return { ok: true, endpoint: base, version: version && /^[\w.+-]{1,40}$/.test(version) ? version : null, authenticated: !!opts.apiKey };
  } catch (err) {
    const e = err instanceof PhoenixError ? err : describeFailure(err, base, 'checking');
    return { ok: false, endpoint: base, reason: e.message, fix: e.fix };
  }
}
