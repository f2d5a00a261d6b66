/** The AgentPort for OpenClaw: one `openclaw agent --local` turn inside the branch's sandbox. */
import { existsSync } from 'node:fs';
import { dirname, join } from 'node:path';
import {
  AgentTurnError,
  buildAgentCommand,
  driverSpawner,
  finalTextOf,
  findRepoRoot,
  locateAgentRuntime,
  runAgentTurn,
  toolSummaryOf,
  writeOpenClawSetup,
  type AgentRuntime,
} from '../bridge/openclaw';
import type { AgentFailureKind, AgentPort, AgentTurnRequest, AgentTurnResult } from './agentPort';

const FAILURE_KIND: Record<string, AgentFailureKind> = {
  cancelled: 'cancelled',
  'timed-out': 'timeout',
  killed: 'killed',
  failed: 'exit',
  'spawn-failed': 'runtime-missing',
  'malformed-envelope': 'malformed-envelope',
};

const FIXES: Record<AgentFailureKind, string> = {
  cancelled: 'Nothing to do: the branch is kept as it was when you cancelled.',
  timeout: 'Raise nemocognition.agent.timeoutSeconds, or check that the model endpoint answers (Show Output has its last words).',
  killed: 'Something stopped the agent (out of memory, or a kill). Check the output channel, then run again; the branch keeps what it did.',
  exit: 'Check the agent output in the NemoCognition output channel; a wrong model id or endpoint is the usual cause.',
  'malformed-envelope': 'The agent did not print a valid result. Check that the pinned OpenClaw version is installed (node .ci/install-agent-runtime.mjs).',
  'too-large-envelope': 'The agent printed an oversized result; it was not read. Re-run with a narrower task.',
  sandbox: 'Fix the sandbox problem named above, then run again.',
  'runtime-missing': 'Install the agent runtime: node .ci/install-agent-runtime.mjs (or npm run demo, which installs it).',
};

/** Where the bundled supervisor plugin is: beside this bundle (dist/) or in the checkout's dist/. */
function locatePluginEntry(): string {
  const here = typeof __dirname === 'string' ? __dirname : process.cwd();
  const candidates = [join(here, 'openclaw-plugin', 'index.mjs')];
  const root = findRepoRoot(here) ?? findRepoRoot(process.cwd());
  if (root) candidates.push(join(root, 'dist', 'openclaw-plugin', 'index.mjs'));
  const found = candidates.find((p) => existsSync(p));
  if (!found) {
    throw Object.assign(new Error(`The NemoCognition supervisor plugin for OpenClaw was not found (looked in ${candidates.join(', ')}).`), {
      fix: 'Build it with `npm run build`.',
    });
  }
  return found;
}

export class OpenClawAgent implements AgentPort {
  readonly name = 'openclaw';
  private constructor(private readonly runtime: AgentRuntime, private readonly pluginEntry: string) {}

  static async locate(): Promise<OpenClawAgent> {
    return new OpenClawAgent(locateAgentRuntime(), locatePluginEntry());
  }

  get runtimeDir(): string {
    return this.runtime.dir;
  }

  /** What the sandboxed agent must be able to read besides the system: its runtime and the plugin. */
  get readOnlyPaths(): string[] {
    return [this.runtime.dir, dirname(this.pluginEntry)];
  }

  async runTurn(req: AgentTurnRequest): Promise<AgentTurnResult> {
    const paths = writeOpenClawSetup({
      rootDir: req.stateDir,
      workspaceDir: req.sandbox.workdir,
      provider: { baseUrl: req.gateway.url, apiKey: req.gateway.secret, model: req.gateway.model },
      ...(req.supervisor ? { plugin: { entryFile: this.pluginEntry, socketPath: req.supervisor.socketPath } } : {}),
    });
    const command = buildAgentCommand({
      runtime: this.runtime,
      paths,
      sessionId: req.sessionId,
      task: req.message,
      supervisor: req.supervisor ?? undefined,
      path: `${dirname(this.runtime.nodeBin)}:/usr/local/bin:/usr/bin:/bin`,
    });
    const t0 = Date.now();
    try {
      const r = await runAgentTurn({
        command,
        spawner: driverSpawner(req.driver, req.sandbox),
        timeoutMs: req.timeoutMs,
        signal: req.signal,
        onOutput: req.onOutput,
        extraReadWrite: [paths.rootDir],
      });
      const meta = r.envelope.meta;
      const summary = toolSummaryOf(r.envelope);
      const usage = meta.agentMeta?.usage ?? {};
      return {
        ok: true,
        durationMs: r.durationMs,
        exitCode: r.exitCode,
        replayInvalid: meta.replayInvalid === true,
        stopReason: meta.stopReason ?? null,
        finalText: finalTextOf(r.envelope) || null,
        stderrTail: r.stderrTail,
        attributes: {
          'openclaw.session_id': String(meta.agentMeta?.sessionId ?? req.sessionId),
          'openclaw.version': this.runtime.openclawVersion,
          'openclaw.replay_invalid': meta.replayInvalid === true,
          'openclaw.stop_reason': meta.stopReason ?? '',
          'openclaw.aborted': meta.aborted === true,
          'openclaw.tool_summary.calls': summary.calls,
          'openclaw.tool_summary.failures': summary.failures,
          'openclaw.tool_summary.tools': summary.tools.join(','),
          'openclaw.tool_summary.unresolved_error': summary.unresolvedError ? JSON.stringify(summary.unresolvedError) : '',
          'llm.token_count.prompt': Number(usage.input ?? 0),
          'llm.token_count.completion': Number(usage.output ?? 0),
          'llm.token_count.total': Number(usage.total ?? 0),
        },
      };
    } catch (e) {
      if (!(e instanceof AgentTurnError)) throw e;
      const kind: AgentFailureKind = e.details.envelopeError?.kind === 'too-large' ? 'too-large-envelope' : (FAILURE_KIND[e.kind] ?? 'exit');
      return {
        ok: false,
        durationMs: e.details.durationMs || Date.now() - t0,
        exitCode: e.details.exitCode,
        replayInvalid: true, // unknown side effects: only a restore is safe
        stopReason: null,
        finalText: null,
        stderrTail: e.details.stderrTail,
        attributes: { 'openclaw.version': this.runtime.openclawVersion, 'openclaw.failure': e.kind },
        failure: { kind, message: e.message, fix: FIXES[kind] },
      };
    }
  }
}
