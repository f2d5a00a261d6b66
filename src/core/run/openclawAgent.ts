/**
 * The AgentPort for OpenClaw: one `openclaw agent --local` turn inside the
 * branch's sandbox. The agent's folder holds its config (with the gateway
 * secret) and the supervisor plugin, both read-only even for the agent, and
 * its writable state, logs, home and tmp; the whole folder is hidden from the
 * tools the agent starts (the driver's toolSandbox). The plugin's hash is
 * checked at every agent start.
 */
import { createHash, randomBytes } from 'node:crypto';
import { existsSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { constants } from 'node:os';
import { dirname, join } from 'node:path';
import {
  AgentTurnError,
  buildAgentCommand,
  driverSpawner,
  finalTextOf,
  findRepoRoot,
  locateAgentRuntime,
  runAgentTurn,
  supervisorPluginEntry,
  toolSummaryOf,
  turnFailureOf,
  writeOpenClawSetup,
  type AgentRuntime,
} from '../bridge/openclaw';
import type { AgentFailureKind, AgentPort, AgentTurnRequest, AgentTurnResult, TurnFailure } from './agentPort';
import { turnFailure } from './failures';

const FAILURE_KIND: Record<string, AgentFailureKind> = {
  cancelled: 'cancelled',
  'timed-out': 'timeout',
  killed: 'killed',
  failed: 'exit',
  'spawn-failed': 'runtime-missing',
  'malformed-envelope': 'malformed-envelope',
};

/**
 * A sandbox that runs the agent as its child (bubblewrap) reports the agent's
 * death by a signal as exit status 128 + n, with no envelope: that is a kill.
 * TODO(nemocog): the bridge's runner (or the local driver) should report it as 'killed' itself.
 */
function signalOfExitStatus(code: number | null): string | null {
  if (code === null || code <= 128 || code > 128 + 64) return null;
  return Object.entries(constants.signals).find(([, n]) => n === code - 128)?.[0] ?? null;
}

function failureOf(e: AgentTurnError): TurnFailure {
  const signal = e.kind === 'failed' ? signalOfExitStatus(e.details.exitCode) : null;
  if (signal) return turnFailure('killed', `The agent process was killed by ${signal} (exit status ${e.details.exitCode}) before it finished.`);
  const kind: AgentFailureKind = e.details.envelopeError?.kind === 'too-large' ? 'too-large-envelope' : (FAILURE_KIND[e.kind] ?? 'exit');
  return turnFailure(kind, e.message);
}

/** Where the bundled supervisor plugin is: beside this bundle (dist/) or in the checkout's dist/. */
function locatePluginEntry(): string {
  const here = typeof __dirname === 'string' ? __dirname : process.cwd();
  const beside = supervisorPluginEntry(here);
  if (beside) return beside;
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

export function sha256File(path: string): string {
  return createHash('sha256').update(readFileSync(path)).digest('hex');
}

/** The supervisor plugin just installed for an agent start is the bundled one, byte for byte, or the start is refused. */
export function verifyInstalledPlugin(pluginDir: string, expectedSha256: string): void {
  const installed = join(pluginDir, 'index.mjs');
  const actual = existsSync(installed) ? sha256File(installed) : 'missing';
  if (actual !== expectedSha256) {
    throw Object.assign(new Error(`The supervisor plugin installed for this agent start (${installed}) is not the bundled one (sha256 ${actual}, expected ${expectedSha256}); the agent was not started.`), {
      fix: 'Rebuild NemoCognition (`npm run build`) or reinstall the extension; if it happens again, something is rewriting the agent\'s folder.',
    });
  }
}

function writeSecretFile(dir: string, secret: string): string {
  const file = join(dir, `.supervisor-secret-${randomBytes(6).toString('hex')}`);
  writeFileSync(file, secret, { mode: 0o600 });
  return file;
}

export class OpenClawAgent implements AgentPort {
  readonly name = 'openclaw';
  /** sha256 of the bundled plugin module: the installed copy and the plugin's hello must match it. */
  readonly pluginSha256: string;

  private constructor(
    private readonly runtime: AgentRuntime,
    private readonly pluginEntry: string,
  ) {
    this.pluginSha256 = sha256File(pluginEntry);
  }

  /** @param pluginEntry tests only: another plugin module (a broken one, to exercise gateway-only mode). */
  static async locate(opts: { pluginEntry?: string } = {}): Promise<OpenClawAgent> {
    return new OpenClawAgent(locateAgentRuntime(), opts.pluginEntry ?? locatePluginEntry());
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
      ...(req.agents?.length ? { agents: req.agents } : {}),
      ...(req.supervisor ? { plugin: { entryFile: this.pluginEntry, socketPath: req.supervisor.socketPath } } : {}),
    });
    if (paths.pluginDir) verifyInstalledPlugin(paths.pluginDir, this.pluginSha256);
    // The supervisor secret goes in a file the plugin reads and deletes on load, before any tool runs
    // (in the agent's tmp: writable by the agent, invisible to its tools).
    const supervisor = req.supervisor ? { ...req.supervisor, secretFile: writeSecretFile(paths.tmpDir, req.supervisor.secret) } : undefined;
    const command = buildAgentCommand({
      runtime: this.runtime,
      paths,
      sessionId: req.sessionId,
      task: req.message,
      ...(req.agentId ? { agentId: req.agentId } : {}),
      supervisor,
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
        // Writable: OpenClaw's state, logs, home and tmp. Not the folder itself: its config and plugin stay read-only.
        extraReadWrite: [paths.stateDir, paths.homeDir, paths.tmpDir, dirname(paths.logFile)],
        sandbox: {
          extraReadOnly: [paths.configPath, ...(paths.pluginDir ? [paths.pluginDir] : [])],
          ...(req.toolHome ? { toolSandbox: { hide: [paths.rootDir], readWrite: [], home: req.toolHome } } : {}),
          ...(req.onSandboxEvent ? { onSandboxEvent: req.onSandboxEvent } : {}),
        },
      });
      const meta = r.envelope.meta;
      const summary = toolSummaryOf(r.envelope);
      const usage = meta.agentMeta?.usage ?? {};
      // OpenClaw can end a failed turn with exit 0 and an envelope that says so.
      const reported = turnFailureOf(r.envelope);
      return {
        ok: !reported,
        durationMs: r.durationMs,
        exitCode: r.exitCode,
        replayInvalid: meta.replayInvalid === true,
        stopReason: meta.stopReason ?? null,
        finalText: finalTextOf(r.envelope) || null,
        stderrTail: r.stderrTail,
        ...(r.enforced ? { enforced: r.enforced } : {}),
        attributes: {
          'nemocognition.supervision.plugin_sha256': this.pluginSha256,
          'openclaw.session_id': String(meta.agentMeta?.sessionId ?? req.sessionId),
          // OpenClaw's own key of the session, naming the agent that ran it: agent:<agent>:explicit:<session>.
          'openclaw.session_key': typeof meta.agentMeta?.sessionFile === 'string' ? meta.agentMeta.sessionFile : '',
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
        ...(reported ? { failure: turnFailure('agent-error', `The agent reported that its turn failed: ${reported}`) } : {}),
      };
    } catch (e) {
      if (!(e instanceof AgentTurnError)) throw e;
      const failure = failureOf(e);
      return {
        ok: false,
        durationMs: e.details.durationMs || Date.now() - t0,
        exitCode: e.details.exitCode,
        replayInvalid: true, // unknown side effects: only a restore is safe
        stopReason: null,
        finalText: null,
        stderrTail: e.details.stderrTail,
        ...(e.details.enforced ? { enforced: e.details.enforced } : {}),
        attributes: { 'openclaw.version': this.runtime.openclawVersion, 'openclaw.failure': e.kind, 'nemocognition.supervision.plugin_sha256': this.pluginSha256 },
        failure,
      };
    } finally {
      // Normally the plugin consumed it; if the agent never loaded the plugin, it must not stay on disk.
      if (supervisor?.secretFile) rmSync(supervisor.secretFile, { force: true });
    }
  }
}
