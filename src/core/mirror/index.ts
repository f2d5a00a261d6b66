/**
 * The Phoenix mirror: the second sink. Every run recorded in a workspace's
 * store appears in Arize Phoenix as OpenInference spans over OTLP/protobuf,
 * each exactly once, however often Phoenix or the mirror itself stops.
 * The store stays the source of truth and never waits for Phoenix.
 *
 *   const m = PhoenixMirror.open({ storeDir: '<ws>/.nemocognition/store',
 *     target: { endpoint: 'http://127.0.0.1:6006', project: 'nemocognition', apiKey }, secrets: [{ value: modelKey }],
 *     onStatus: (s) => show(describeStatus(s)) });
 *   await m.catchUp();                 // backfill: everything recorded so far, then resolve (`nemocog mirror`)
 *   await m.follow(abortSignal);       // or stay live: tail the journal, retry with backoff (the extension)
 *   m.retryNow(); await m.close();
 *   await checkPhoenix('http://127.0.0.1:6006');   // {ok, version} | {ok: false, reason, fix}
 *   phoenixTraceUrl(endpoint, runId), phoenixSessionUrl(...), phoenixNodeUrl(endpoint, nodeId)   // links.ts
 *
 * Shape in Phoenix (model/spans.ts + openinference.ts): one trace per run (trace id from the run id,
 * session.id = run id), an AGENT span for the run, one per branch (a recovery's is a child of the
 * node it forks from, with an OTLP link to it), LLM / TOOL / GUARDRAIL / CHAIN / AGENT spans for
 * nodes, span ids from node ids; resource service.name=nemocognition, openinference.project.name.
 *
 * On disk (state.ts): `<.nemocognition>/mirror/phoenix-<hash of endpoint+project>/state.json` =
 * {cursor, open items at the cursor, delivered}, replaced atomically; `writer.lock` = one mirroring
 * process per workspace and Phoenix project.
 *
 * Exactly once (mirror.ts): Phoenix keys spans by span id and ignores a re-sent one, but it can never
 * update a span, and its 200 only means "queued". So: only ended spans are sent, with their final
 * attributes; a span counts as delivered only when read back by id (REST, 100 ids a request); the
 * cursor moves only past spans that are all confirmed; before sending, the mirror asks which ids
 * Phoenix already holds, so a restart in the middle of a batch re-sends only what is missing.
 * Nothing is queued inside the OTLP exporter (it drops what fails); the journal is the queue.
 *
 * Cost: the mirror runs in its own process (the extension starts `nemocog mirror --follow`), at nice 19
 * on every thread (polite.ts), and only reads the journal, so a run never waits on it. It follows the
 * journal with the store's JournalTail (store/tail.ts), which remembers its segment and byte offset: a
 * pass costs O(bytes appended since the last pass), at most one pass per 250 ms while a run writes, plus
 * three small HTTP requests per 200 spans (which ids Phoenix has, the OTLP export, the read-back).
 * While a run writes faster than 1 MiB/s and less than 1.5 CPUs are free, sends wait for the burst to
 * end (at most 10 s): Phoenix's ingest costs several times the CPU of recording a span. Memory: one
 * read (8 MiB) of records.
 *
 * Safety: every string is scrubbed again with the store's Scrubber (patterns, the model key, the
 * Phoenix key) before it leaves; the API key goes only into an Authorization header; the endpoint
 * must be http(s) without credentials (links.ts); input/output values are clipped at 64 K chars.
 */
export { PhoenixMirror, type MirrorOptions, type MirrorLog } from './mirror';
export { PhoenixClient, PhoenixError, type PhoenixTarget } from './client';
export { checkPhoenix, type PhoenixCheck } from './check';
export { describeStatus, type MirrorStatus } from './status';
export { MirrorBusyError, mirrorDirFor } from './state';
export * from './links';
