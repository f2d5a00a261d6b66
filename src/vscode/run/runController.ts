/**
 * Drives one supervised run at a time from VS Code: progress notification
 * with cancel, a status-bar item, narration into the output channel and to
 * the Replay view, and the closing message. The run itself is the core's.
 */
import * as vscode from 'vscode';
import type { Branch, Node } from '../../core/model/types';
import type { RunSummary, SupervisedRunOptions } from '../../core/run/api';
import type { ActiveRunView, NarrationLine, RunDetail } from '../../protocol/replay';
import { COMMANDS, CONTEXT_KEYS } from '../commands/ids';
import type { NcSettings } from '../config/settings';
import type { SettingsGate } from '../config/settingsGate';
import type { ApiKeyStore } from '../secrets/apiKeyStore';
import type { StoreService } from '../services/storeService';
import type { WorkspacePaths } from '../services/workspacePaths';
import { LiveRun } from './liveRun';
import { alreadyRunningProblem, missingKeyProblem, problemFromError, restrictedModeProblem, type Problem } from './problems';
import { forkSupervisedAgent, runSupervisedAgent, startDemoEndpoint, type DemoEndpoint } from './runner';
import { isAgentLogLine, runFacts, stepMessage } from './liveText';
import { runProblemAction, showProblem } from './showProblem';

export interface RunControllerDeps {
  output: vscode.LogOutputChannel;
  store: StoreService;
  apiKey: ApiKeyStore;
  settings(): NcSettings;
  paths(): WorkspacePaths | undefined;
  /** Workspace settings that need the user's confirmation, and policy approvals. */
  gate: SettingsGate;
}

export class RunController implements vscode.Disposable {
  private live: LiveRun | undefined;
  private abort: AbortController | undefined;
  private readonly statusItem: vscode.StatusBarItem;
  private readonly activeChanged = new vscode.EventEmitter<ActiveRunView | null>();
  private readonly narrated = new vscode.EventEmitter<NarrationLine>();
  private readonly nodeChanged = new vscode.EventEmitter<Node>();
  private readonly detailChanged = new vscode.EventEmitter<RunDetail>();
  readonly onDidChangeActive = this.activeChanged.event;
  readonly onNarration = this.narrated.event;
  readonly onNode = this.nodeChanged.event;
  readonly onRunDetail = this.detailChanged.event;

  constructor(private readonly deps: RunControllerDeps) {
    this.statusItem = vscode.window.createStatusBarItem('nemocognition.run', vscode.StatusBarAlignment.Left, 100);
    this.statusItem.name = 'NemoCognition run';
    this.statusItem.command = COMMANDS.cancelRun;
  }

  get current(): LiveRun | undefined {
    return this.live;
  }

  cancel(): boolean {
    if (!this.abort || this.abort.signal.aborted) return false;
    this.deps.output.warn('Cancel requested: stopping the agent and sealing its branch as cancelled…');
    this.abort.abort();
    this.setPhase('finishing', 'Cancelling…');
    return true;
  }

  /** Starts a run; resolves when it ends (the command does not await it). */
  start(task: string): Promise<RunSummary | undefined> {
    return this.drive(task, null);
  }

  /**
   * "Fork from here": a new branch of the node's (ended) run, from that node,
   * with the user's instruction; shown live in the Replay view, in its own lane.
   */
  fork(nodeId: string, instruction: string, seed: RunDetail): Promise<RunSummary | undefined> {
    return this.drive(instruction, { nodeId, instruction, seed });
  }

  private async drive(task: string, fork: { nodeId: string; instruction: string; seed: RunDetail } | null): Promise<RunSummary | undefined> {
    const { output } = this.deps;
    if (this.live) {
      await showProblem(alreadyRunningProblem(this.live.task));
      return undefined;
    }
    // Never run an agent in Restricted Mode: the workspace (its settings, its policy, its code) is not trusted.
    if (!vscode.workspace.isTrusted) {
      await showProblem(restrictedModeProblem());
      return undefined;
    }
    // Settings the workspace sets that could weaken supervision apply only once the user confirmed them.
    if (!(await this.deps.gate.confirmPending())) return undefined;
    const paths = this.deps.paths();
    if (!paths) {
      await showProblem({ message: 'No workspace folder is open.', fix: 'Open the folder the agent should work on, then run again.', actions: [] });
      return undefined;
    }
    const s = this.deps.settings();
    let demo: DemoEndpoint | undefined;
    let apiKey: string | undefined;
    if (s.modelPreset !== 'demo') {
      apiKey = await this.deps.apiKey.get();
      if (!apiKey && s.modelPreset === 'nim-nemotron') {
        await showProblem(missingKeyProblem(s));
        return undefined;
      }
    }
    if (s.sandboxDriver === 'none') {
      const ok = await vscode.window.showWarningMessage(
        'The sandbox driver is "none": the agent will run WITHOUT a sandbox, as you, with your files, network and credentials.',
        { modal: true, detail: 'Only do this on a throw-away workspace and machine. Switch nemocognition.sandbox.driver to "local" for a kernel-enforced sandbox.' },
        'Run Without Sandbox',
      );
      if (ok !== 'Run Without Sandbox') return undefined;
    }

    const live = new LiveRun(fork ? fork.seed.run.task : task, paths.root, s.remoteHost ? `ssh:${s.remoteHost}` : s.sandboxDriver === 'nemoclaw' ? `nemoclaw:${s.nemoclawSandbox || '?'}` : s.sandboxDriver);
    // A fork shows the run it adds to: its recorded branches stay in view while the new lane streams in.
    if (fork) live.seed(fork.seed);
    const abort = new AbortController();
    this.live = live;
    this.abort = abort;
    void vscode.commands.executeCommand('setContext', CONTEXT_KEYS.running, true);
    this.statusItem.text = '$(sync~spin) NemoCognition: agent running — click to cancel';
    this.statusItem.tooltip = new vscode.MarkdownString().appendText(`Task: ${task}\n\nClick to cancel the run.`);
    this.statusItem.show();
    this.activeChanged.fire(live.view());
    output.info(fork ? `Fork from step ${fork.nodeId}: ${task}` : `Supervised run: ${task}`);
    output.info(`Model preset ${s.modelPreset}${s.modelPreset === 'demo' ? ` (scenario ${s.demoScenario})` : ''}; sandbox ${live.driver}; up to ${s.maxRecoveries} recoveries.`);

    const hold = this.deps.store.trackRun();
    try {
      return await vscode.window.withProgress(
        { location: vscode.ProgressLocation.Notification, title: 'NemoCognition', cancellable: true },
        async (progress, token) => {
          token.onCancellationRequested(() => this.cancel());
          progress.report({ message: fork ? `Forking: ${task}` : `Starting: ${task}` });
          if (s.modelPreset === 'demo') {
            this.narrate(`Starting the offline demo model: it plays the scripted scenario "${s.demoScenario}", whatever the task says.`, Date.now());
            demo = await startDemoEndpoint(s.demoScenario);
          }
          const model = demo?.endpoint ?? { baseUrl: s.modelEndpoint, model: s.modelId, apiKey, reasoning: s.reasoning };
          const opts: SupervisedRunOptions = {
            workspace: paths.root,
            task,
            driver: s.sandboxDriver,
            remoteHost: s.remoteHost || undefined,
            remoteWorkspace: s.remoteWorkspace || undefined,
            remoteCli: s.remoteCli.split(/\s+/).filter(Boolean),
            model,
            policyFile: s.policyFile || undefined,
            approvePolicy: (w) => this.deps.gate.approvePolicy(w),
            maxRecoveries: s.maxRecoveries,
            timeoutMs: s.timeoutSeconds * 1000,
            snapshotIgnore: s.snapshotIgnore,
            snapshotBudgetBytes: s.maxStoreSizeMB * 1024 * 1024,
            storeDir: paths.base,
            signal: abort.signal,
            ...(s.allowLandlockOnly ? { allowLandlockOnly: true } : {}),
            ...(s.sandboxDriver === 'nemoclaw'
              ? {
                  nemoclaw: {
                    sandbox: s.nemoclawSandbox,
                    sandboxCli: s.nemoclawSandboxCli.split(/\s+/).filter(Boolean),
                    sandboxWorkspace: s.nemoclawSandboxWorkspace,
                    ...(s.nemoclawPath ? { nemoclawPath: s.nemoclawPath } : {}),
                    ...(s.openshellPath ? { openshellPath: s.openshellPath } : {}),
                  },
                }
              : {}),
          };
          const listener = {
            narration: (text: string, at: number) => {
              this.narrate(text, at);
              if (!isAgentLogLine(text)) progress.report({ message: text.length > 120 ? text.slice(0, 119) + '…' : text });
            },
            phase: (phase: LiveRun['phase'], message: string) => this.setPhase(phase, message),
            warning: (text: string) => {
              output.warn(text);
              void vscode.window.showWarningMessage(`NemoCognition: ${text}`, 'Show Output').then((c) => c && output.show(true));
            },
            branch: (b: Branch) => this.onBranch(b),
            node: (n: Node) => this.onNodeEvent(n),
          };
          const summary = fork
            ? await forkSupervisedAgent({ ...opts, nodeId: fork.nodeId, instruction: fork.instruction }, listener)
            : await runSupervisedAgent(opts, listener);
          live.setRun(summary.run);
          const detail = live.detail();
          if (detail) this.detailChanged.fire(detail);
          this.report(summary);
          return summary;
        },
      );
    } catch (err) {
      const p = problemFromError(err);
      output.error(`${p.message} ${p.fix}`);
      if (err instanceof Error && err.stack) output.debug(err.stack);
      void showProblem(p);
      return undefined;
    } finally {
      await demo?.close().catch(() => undefined);
      this.live = undefined;
      this.abort = undefined;
      this.statusItem.hide();
      void vscode.commands.executeCommand('setContext', CONTEXT_KEYS.running, false);
      this.activeChanged.fire(null);
      hold.dispose(); // a last read of the journal, then the view refreshes from what was recorded
    }
  }

  private narrate(text: string, at: number): void {
    this.deps.output.info(text);
    // The agent's own log lines stay in the output channel: in the narration they read like errors of the run.
    if (isAgentLogLine(text)) return;
    const line = this.live?.addNarration(text, at) ?? { at, text };
    this.narrated.fire(line);
  }

  private setPhase(phase: LiveRun['phase'], message: string): void {
    if (!this.live) return;
    this.live.phase = phase;
    this.live.message = message;
    this.activeChanged.fire(this.live.view());
  }

  private onBranch(b: Branch): void {
    const live = this.live;
    if (!live) return;
    const first = live.runId === null;
    live.addBranch(b);
    if (b.status !== 'open') this.deps.output.info(`Branch ${b.label} sealed as ${b.status}${b.sealReason ? `: ${b.sealReason}` : ''}`);
    const detail = live.detail();
    if (detail) this.detailChanged.fire(detail);
    if (first) this.activeChanged.fire(live.view());
  }

  private onNodeEvent(n: Node): void {
    const live = this.live;
    if (!live) return;
    const isNew = !live.getNode(n.id);
    live.addNode(n);
    this.nodeChanged.fire(live.getNode(n.id)!);
    // The phase line says what the agent is doing now, not what it did first.
    if (isNew && (live.phase === 'agent' || live.phase === 'recovering')) {
      live.message = stepMessage(n, live.getBranch(n.branchId)?.label, live.stepCount());
      this.activeChanged.fire(live.view());
    }
  }

  private report(summary: RunSummary): void {
    const { output } = this.deps;
    const facts = runFacts(summary);
    output.info(`Run ${summary.run.id} ended as ${summary.run.status}: ${facts}.`);
    for (const e of summary.enforcement ?? []) {
      output.info(`  ${e.branch}: supervision ${e.supervision}; sandbox ${e.attested ? 'attested' : 'NOT attested'} (${e.label}); layers: ${e.layers.join(', ') || 'none'}; network: ${e.networkRule}`);
    }
    if (summary.problem) {
      const p: Problem = { message: summary.problem.message, fix: summary.problem.fix, actions: ['Open Replay', 'Show Output'] };
      output.error(`${p.message} ${p.fix}`);
      void showProblem(p);
      return;
    }
    const actions = summary.resultBranchId ? ['Open Replay', 'Restore Result'] : ['Open Replay'];
    void vscode.window.showInformationMessage(`NemoCognition: run ${summary.run.status} (${facts}). Your workspace is unchanged until you restore.`, ...actions).then((choice) => {
      if (choice === 'Open Replay') void runProblemAction('Open Replay');
      if (choice === 'Restore Result' && summary.resultBranchId) void vscode.commands.executeCommand(COMMANDS.restoreBranch, summary.resultBranchId);
    });
  }

  dispose(): void {
    this.abort?.abort();
    this.statusItem.dispose();
    this.activeChanged.dispose();
    this.narrated.dispose();
    this.nodeChanged.dispose();
    this.detailChanged.dispose();
  }
}
