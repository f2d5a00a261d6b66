/**
 * # openclaw bridge
 *
 * Drives the real OpenClaw CLI headless, one agent turn at a time, under
 * supervision. Plain Node, no `vscode`, no dependency on the rest of
 * NemoCognition except the sandbox driver's ExecOptions/ExecResult types. The
 * build also emits it as a package of its own (`dist/packages/openclaw-bridge`,
 * `@nemocognition/openclaw-bridge`; public API in `package/README.md`).
 *
 * ## Pieces
 * - `runtime`: finds the pinned runtime (openclaw@2026.9.6 on the npm package
 *   node@24.21.0) in a configured folder, `$NEMOCOG_RUNTIME_DIR`, or
 *   `<repo>/.cache/agent-runtime`; install it with `node .ci/install-agent-runtime.mjs`.
 * - `config`: writes a private OpenClaw setup per run: one OpenAI-compatible
 *   provider (`api: "openai-completions"`; pass a gateway URL and a per-run
 *   secret, never the user's key), `agents.defaults.workspace`,
 *   `skipBootstrap: true`, and the supervisor plugin (manifest + module) in
 *   `plugins.load.paths`, allow-listed and enabled.
 * - `command`: the only place command lines are built:
 *   `node openclaw.mjs agent --local --agent main --json --session-id <id> -m <task> [--thinking <level>] [--timeout <s>]`,
 *   with an env built from scratch (HOME, TMPDIR, OPENCLAW_CONFIG_PATH,
 *   OPENCLAW_STATE_DIR, OPENCLAW_CHILD_OOM_SCORE_ADJ=0, and the supervisor
 *   socket + secret, which the plugin removes from its env on load).
 * - `runner`: spawns the turn through an injectable `Spawner` (a sandbox
 *   driver's `exec`, or `localSpawner`), with timeout and AbortSignal
 *   (SIGTERM to the process group, SIGKILL after 3 s), and parses stdout.
 * - `envelope`: strict parser of `{ payloads: [...], meta: {...} }`; keeps
 *   unknown fields; `EnvelopeError` kinds `malformed | too-large | missing-fields`.
 * - `denials`: kernel refusals (EACCES, EPERM, EROFS, refused connections)
 *   and supervisor blocks found in tool results.
 * - `plugin/` + `supervisorServer`: the supervisor channel. The plugin's
 *   `before_tool_call` asks the server over a Unix socket (0700 folder, per-run
 *   secret) and blocks when told to or when the server cannot be reached
 *   (fail closed); `after_tool_call` reports result, error and duration.
 *
 * ## Observed behaviour of OpenClaw 2026.9.6 (what this module relies on)
 * - Tools offered to the model: apply_patch, edit, exec, ls, openclaw,
 *   process, read, sessions_yield, tool_call, tool_describe, tool_search, write.
 * - Model requests always stream (`stream: true`, `stream_options.include_usage`),
 *   carry `authorization: Bearer <apiKey>` and a W3C `traceparent`; each request
 *   ends with an injected user message wrapped in
 *   `<<<BEGIN_OPENCLAW_INTERNAL_CONTEXT>>>` markers. Tool call ids are
 *   rewritten in the transcript (`call_x_1` becomes `callx1`); hook events keep the original.
 * - Hooks: `before_tool_call(event, ctx)` with event `{toolName, params, runId,
 *   toolCallId, derivedPaths?}` and ctx `{toolName, agentId, sessionKey,
 *   sessionId, runId, toolCallId, trace {traceId, spanId}, abortSignal}`;
 *   `{block: true, blockReason}` turns into a tool result whose text is the
 *   reason and whose `details.status` is `"blocked"`. A handler that throws
 *   or exceeds its timeout (15 s unless registered with `timeoutMs`) is
 *   treated as ALLOW by OpenClaw, hence the plugin's own timeout and no throw.
 *   `after_tool_call` event: `{toolName, params, runId, toolCallId, result:
 *   {content: [{type: 'text', text}], details}, error?, durationMs}`.
 * - A blocked call counts in `meta.toolSummary.failures` and sets
 *   `unresolvedError`; a kernel denial inside a shell command does not.
 * - A failed turn (e.g. the model sent a malformed tool call four times)
 *   exits 1 and still prints an envelope: `meta.error {kind, message}`,
 *   `meta.livenessState: "abandoned"`, a payload with `isError: true`, and no
 *   `stopReason` or `toolSummary`. See `turnFailureOf`.
 * - SIGTERM makes OpenClaw abort its in-flight model request (AbortError).
 * - `--thinking adaptive` is refused ("not supported for <model>") unless the
 *   model has `reasoning: true` and `compat.supportedReasoningEfforts`
 *   includes "adaptive"; see `supportedThinking`.
 * - OpenClaw passes its own env to tool processes: the plugin deletes the
 *   supervisor variables from `process.env` when it registers (register() runs
 *   several times per process, so the channel is kept on globalThis).
 * - A plugin that throws while registering, or does not parse, stops OpenClaw
 *   ("plugin load failed"); a plugin that loads but registers nothing (or a
 *   plugin path that leads nowhere) only warns. Hence the plugin's hello:
 *   without it, NemoCognition supervises at the gateway only (run/supervisionMode.ts).
 * - Exec tools run as `$SHELL -c <command>` (`getShellConfig`: $SHELL unless
 *   it is false/nologin; shell snapshots only for bash/zsh): the local sandbox
 *   points SHELL at nc-tool-shell, a nested sandbox without the agent's folder.
 * - before_tool_call may return `{ params }` (merged into the call's params).
 * - Files OpenClaw writes outside the workspace: the state dir, HOME, TMPDIR,
 *   the log file (`logging.file`, default /tmp/openclaw/...), and the
 *   hard-coded lock folder /tmp/openclaw-state-locks-<uid>; see `agentWritablePaths`.
 */
export * from './runtime';
export * from './config';
export * from './command';
export * from './envelope';
export * from './denials';
export * from './spawner';
export * from './runner';
export * from './trajectory';
export * from './supervisorServer';
export * from './pluginEntry';
export * from './install';
export {
  SUPERVISOR_PLUGIN_ID,
  SUPERVISOR_PROTOCOL_VERSION,
  ENV_SECRET,
  ENV_SOCKET,
  type BeforeToolCallMessage,
  type AfterToolCallMessage,
  type PluginMessage,
  type DecisionReply,
} from './plugin/protocol';
