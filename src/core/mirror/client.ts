/**
 * Talks to one Phoenix project: sends spans with the OTLP/protobuf exporter
 * (Phoenix's /v1/traces takes only `application/x-protobuf`) and reads them
 * back by span id through the REST API (`GET /v1/projects/<p>/spans?span_id=`),
 * which is the only proof that a span was stored: a 200 from /v1/traces only
 * says the request was queued. Every failure becomes a PhoenixError with a
 * reason and what to do, for the status bar and the CLI.
 */
import { ExportResultCode, type ExportResult } from '@opentelemetry/core';
import { CompressionAlgorithm } from '@opentelemetry/otlp-exporter-base';
import { OTLPTraceExporter } from '@opentelemetry/exporter-trace-otlp-proto';
import type { ReadableSpan } from '@opentelemetry/sdk-trace-base';
import { phoenixBaseUrl } from './links';

export interface PhoenixTarget {
  /** Base URL of the Phoenix server, e.g. http://127.0.0.1:6006. */
  endpoint: string;
  project: string;
  /** Sent as `Authorization: Bearer <key>` when Phoenix has authentication on. Never logged. */
  apiKey?: string;
}

export class PhoenixError extends Error {
  override name = 'PhoenixError';
  constructor(
    message: string,
    readonly fix: string,
    /** Worth retrying by itself (Phoenix down, busy); false for configuration problems (wrong key, not Phoenix). */
    readonly transient: boolean,
  ) {
    super(message);
  }
}

/** Span ids per read-back request: 100 ids keep the URL near 3 KB. */
export const READ_BACK_IDS = 100;

export class PhoenixClient {
  readonly base: string;
  private exporter: OTLPTraceExporter | null = null;

  constructor(
    readonly target: PhoenixTarget,
    private readonly opts: { timeoutMs?: number } = {},
  ) {
    this.base = phoenixBaseUrl(target.endpoint);
  }

  private headers(): Record<string, string> {
    return this.target.apiKey ? { authorization: `Bearer ${this.target.apiKey}` } : {};
  }

  private exporterFor(): OTLPTraceExporter {
    this.exporter ??= new OTLPTraceExporter({
      url: `${this.base}/v1/traces`,
      headers: { 'x-project-name': this.target.project, ...this.headers() },
      compression: CompressionAlgorithm.GZIP,
      timeoutMillis: this.opts.timeoutMs ?? 10_000,
      concurrencyLimit: 4,
    });
    return this.exporter;
  }

  /** Sends the spans in one OTLP request (the exporter retries 429/502/503/504 itself within its timeout). */
  send(spans: ReadableSpan[]): Promise<void> {
    if (spans.length === 0) return Promise.resolve();
    return new Promise<void>((resolve, reject) => {
      this.exporterFor().export(spans, (r: ExportResult) => {
        if (r.code === ExportResultCode.SUCCESS) resolve();
        else reject(describeFailure(r.error, this.base, 'sending spans'));
      });
    });
  }

  /** Which of `spanIds` Phoenix holds in the project (any number of ids; asked READ_BACK_IDS at a time). */
  async present(spanIds: string[]): Promise<Set<string>> {
    const found = new Set<string>();
    for (let i = 0; i < spanIds.length; i += READ_BACK_IDS) {
      const ids = spanIds.slice(i, i + READ_BACK_IDS);
      for (const id of await this.presentIn(this.target.project, ids)) found.add(id);
    }
    return found;
  }

  /** Span ids found in another project: Phoenix keys spans by id across projects, so those can never land in ours. */
  async presentElsewhere(spanIds: string[]): Promise<Map<string, string>> {
    const where = new Map<string, string>();
    for (const project of await this.projects()) {
      if (project === this.target.project) continue;
      const left = spanIds.filter((id) => !where.has(id));
      for (let i = 0; i < left.length; i += READ_BACK_IDS) {
        for (const id of await this.presentIn(project, left.slice(i, i + READ_BACK_IDS))) where.set(id, project);
      }
    }
    return where;
  }

  private async presentIn(project: string, ids: string[]): Promise<string[]> {
    const q = new URLSearchParams();
    for (const id of ids) q.append('span_id', id);
    q.set('limit', String(Math.min(1000, ids.length + 1)));
    const res = await this.get(`/v1/projects/${encodeURIComponent(project)}/spans?${q.toString()}`, 'reading spans back');
    if (res.status === 404) return []; // the project does not exist yet: nothing has landed
    const body = (await res.json()) as { data?: Array<{ context?: { span_id?: string } }> };
    return (body.data ?? []).map((s) => s.context?.span_id ?? '').filter(Boolean);
  }

  async projects(): Promise<string[]> {
    const names: string[] = [];
    let cursor: string | null = null;
    do {
      const res = await this.get(`/v1/projects?limit=100${cursor ? `&cursor=${encodeURIComponent(cursor)}` : ''}`, 'listing projects');
      const body = (await res.json()) as { data?: Array<{ name?: string }>; next_cursor?: string | null };
      for (const p of body.data ?? []) if (p.name) names.push(p.name);
      cursor = body.next_cursor ?? null;
    } while (cursor);
    return names;
  }

  private async get(path: string, what: string): Promise<Response> {
    let res: Response;
    try {
      res = await fetch(`${this.base}${path}`, { headers: { accept: 'application/json', ...this.headers() }, signal: AbortSignal.timeout(this.opts.timeoutMs ?? 10_000) });
    } catch (err) {
      throw describeFailure(err, this.base, what);
    }
    if (res.ok || res.status === 404) return res;
    await res.body?.cancel().catch(() => undefined);
    throw describeFailure({ code: res.status, message: res.statusText }, this.base, what);
  }

  async close(): Promise<void> {
    const e = this.exporter;
    this.exporter = null;
    // Everything sent was awaited; shutdown only releases the HTTP agent. It rejects when a send failed: ignore.
    await e?.shutdown().catch(() => undefined);
  }
}

function causeCode(err: unknown): string | undefined {
  for (let e = err as { code?: unknown; cause?: unknown } | undefined, i = 0; e && i < 5; e = e.cause as typeof e, i++) {
    if (typeof e.code === 'string') return e.code;
  }
  return undefined;
}

function httpStatus(err: unknown): number | undefined {
  const e = err as { code?: unknown; statusCode?: unknown; message?: unknown } | undefined;
  if (typeof e?.code === 'number') return e.code;
  if (typeof e?.statusCode === 'number') return e.statusCode;
  const m = typeof e?.message === 'string' ? /\b(\d{3})\b/.exec(e.message) : null;
  return m ? Number(m[1]) : undefined;
}

/** A reason a person can act on, for every way talking to Phoenix fails. */
export function describeFailure(err: unknown, base: string, what: string): PhoenixError {
  const code = causeCode(err);
  const status = httpStatus(err);
  const msg = err instanceof Error ? err.message : String((err as { message?: unknown })?.message ?? err);
  if (code === 'ECONNREFUSED' || /ECONNREFUSED/.test(msg)) {
    return new PhoenixError(`Phoenix is not running at ${base} (connection refused)`, `Start Phoenix (see README: phoenix serve) or correct nemocognition.phoenix.endpoint. Runs are recorded locally meanwhile; the mirror catches up.`, true);
  }
  if (code === 'ENOTFOUND' || code === 'EAI_AGAIN') {
    return new PhoenixError(`The Phoenix host in ${base} cannot be resolved (${code})`, 'Correct nemocognition.phoenix.endpoint, or check your network.', true);
  }
  if (code === 'ECONNRESET' || code === 'EPIPE' || code === 'UND_ERR_SOCKET' || /socket hang up|ECONNRESET/.test(msg)) {
    return new PhoenixError(`The connection to Phoenix at ${base} was cut while ${what}`, 'Phoenix may have stopped or restarted; the mirror retries by itself.', true);
  }
  if (code === 'ABORT_ERR' || code === 'UND_ERR_CONNECT_TIMEOUT' || /timeout|timed out|aborted/i.test(msg)) {
    return new PhoenixError(`Phoenix at ${base} did not answer in time while ${what}`, 'Phoenix may be overloaded or starting; the mirror retries by itself.', true);
  }
  if (status === 401 || status === 403) {
    return new PhoenixError(`Phoenix at ${base} refused access (${status}) while ${what}`, 'Phoenix has authentication on: run "NemoCognition: Set Phoenix API Key" (CLI: NEMOCOG_PHOENIX_API_KEY) with a system or user API key from Phoenix\'s settings.', false);
  }
  if (status === 415) {
    return new PhoenixError(`${base} does not accept OTLP protobuf (415) while ${what}`, 'Check that nemocognition.phoenix.endpoint is an Arize Phoenix server.', false);
  }
  if (status === 404 || status === 405) {
    return new PhoenixError(`${base} has no Phoenix API (${status}) while ${what}`, 'Check that nemocognition.phoenix.endpoint is the Phoenix server\'s base URL (the one its UI is served from).', false);
  }
  if (status === 507) {
    return new PhoenixError(`Phoenix at ${base} is out of disk space and refuses writes (507)`, 'Free space on the Phoenix server; the mirror catches up afterwards.', true);
  }
  if (status !== undefined && status >= 500) {
    return new PhoenixError(`Phoenix at ${base} failed with ${status} while ${what}`, 'Look at Phoenix\'s log; the mirror retries by itself.', true);
  }
  return new PhoenixError(`Talking to Phoenix at ${base} failed while ${what}: ${msg}`, 'Check nemocognition.phoenix.endpoint and that Phoenix is running; the mirror retries by itself.', true);
}
