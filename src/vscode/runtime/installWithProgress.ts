/** Runs the core installer under a cancellable progress notification, logging every line to the output channel. */
import * as vscode from 'vscode';
import type { AgentRuntime } from '../../core/bridge/openclaw/runtime';
import { describeChoice, type RuntimeDirChoice } from './runtimeDir';

export async function installRuntimeWithProgress(output: vscode.LogOutputChannel, choice: RuntimeDirChoice): Promise<AgentRuntime> {
  // Loaded on demand: activation does not pay for the installer.
  const { installAgentRuntime } = await import('../../core/bridge/openclaw/install');
  output.info(`Installing the agent runtime into ${describeChoice(choice)}…`);
  return vscode.window.withProgress(
    { location: vscode.ProgressLocation.Notification, title: 'NemoCognition: installing the agent runtime', cancellable: true },
    async (progress, token) => {
      const abort = new AbortController();
      const sub = token.onCancellationRequested(() => abort.abort());
      try {
        return await installAgentRuntime(choice.dir, {
          signal: abort.signal,
          onProgress: (line) => {
            output.info(line);
            // npm's own lines go to the log only; the notification shows the steps.
            if (!line.startsWith('npm ') && !/^\s/.test(line)) progress.report({ message: line.length > 120 ? line.slice(0, 119) + '…' : line });
          },
        });
      } finally {
        sub.dispose();
      }
    },
  );
}
