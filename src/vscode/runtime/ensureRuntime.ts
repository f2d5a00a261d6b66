/**
 * Before a run: points the core at the configured runtime folder and, when
 * no runtime is found, offers to install it and then lets the run continue.
 */
import * as vscode from 'vscode';
import { AGENT_NODE_VERSION, AgentRuntimeMissingError, locateAgentRuntime, OPENCLAW_VERSION } from '../../core/bridge/openclaw/runtime';
import type { SupervisedRunOptions } from '../../core/run/api';
import { readSettings, SETTINGS_SECTION } from '../config/settings';
import { exposeRuntimeDir } from './runtimeContext';
import { describeChoice } from './runtimeDir';

export const INSTALL_CHOICE = 'Install Agent Runtime';

export async function ensureAgentRuntimeForRun(opts: SupervisedRunOptions, narrate: (text: string) => void): Promise<void> {
  // A remote or NemoClaw run uses the runtime installed on the remote host or inside the sandbox.
  if (opts.remoteHost || opts.driver === 'nemoclaw') return;
  const settings = readSettings((key) => vscode.workspace.getConfiguration(SETTINGS_SECTION).get(key));
  const choice = exposeRuntimeDir(settings.agentRuntimeDir);
  let missing: AgentRuntimeMissingError;
  try {
    locateAgentRuntime();
    return;
  } catch (e) {
    if (!(e instanceof AgentRuntimeMissingError) || !choice) throw e;
    missing = e;
  }
  const pick = await vscode.window.showWarningMessage(
    'The OpenClaw agent runtime is not installed, so the agent cannot start.',
    {
      modal: true,
      detail:
        `NemoCognition runs the agent with openclaw@${OPENCLAW_VERSION} on Node ${AGENT_NODE_VERSION}, installed once with your npm ` +
        `(about 850 MB, a few minutes; needs Node.js 20+ and npm on PATH and access to the npm registry) into ${describeChoice(choice)}. ` +
        'The run continues when the install is done.',
    },
    INSTALL_CHOICE,
  );
  if (pick !== INSTALL_CHOICE) throw missing;
  narrate(`Installing the agent runtime into ${choice.dir} (a few minutes; cancel stops it and removes the partial install)…`);
  const { installAgentRuntime } = await import('../../core/bridge/openclaw/install');
  const rt = await installAgentRuntime(choice.dir, { signal: opts.signal, onProgress: narrate });
  narrate(`Agent runtime ready: OpenClaw ${rt.openclawVersion} on Node ${AGENT_NODE_VERSION}. Starting the run.`);
}
