/** "Install Agent Runtime": installs (or confirms) the pinned OpenClaw + Node 24 in the configured folder. */
import * as vscode from 'vscode';
import { AGENT_NODE_VERSION } from '../../core/bridge/openclaw/runtime';
import { initRuntimeContext, exposeRuntimeDir } from '../runtime/runtimeContext';
import { installedMessage } from '../runtime/runtimeDir';
import { installRuntimeWithProgress } from '../runtime/installWithProgress';
import type { Services } from '../services/services';
import { guarded } from './guard';

// TODO(nemocog): move into COMMANDS (ids.ts, owned by the lead) and register with COMMANDS.installAgentRuntime.
export const INSTALL_AGENT_RUNTIME_COMMAND = 'nemocognition.installAgentRuntime';

export function registerInstallAgentRuntime(s: Services): vscode.Disposable {
  // Registration runs at activation: the one place that knows the global storage folder before any run.
  initRuntimeContext(s.context.globalStorageUri.fsPath);
  return vscode.commands.registerCommand(
    'nemocognition.installAgentRuntime',
    guarded(s.output, 'Install Agent Runtime', async () => {
      const choice = exposeRuntimeDir(s.settings().agentRuntimeDir)!;
      try {
        const rt = await installRuntimeWithProgress(s.output, choice);
        const msg = installedMessage(rt, AGENT_NODE_VERSION);
        s.output.info(msg);
        void vscode.window.showInformationMessage(msg);
      } catch (e) {
        if ((e as { kind?: string }).kind !== 'cancelled') throw e;
        s.output.warn('Agent runtime install cancelled; the partial install was removed.');
        void vscode.window.showInformationMessage('NemoCognition: agent runtime install cancelled. Nothing was left behind.');
      }
    }),
  );
}
