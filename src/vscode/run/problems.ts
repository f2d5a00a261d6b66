/**
 * Turns what went wrong into what the user sees: what happened AND what to
 * do, plus the buttons that do it (pure; the command shows it).
 */
import type { NcSettings } from '../config/settings';

export type ProblemAction =
  | 'Open Settings'
  | 'Show Output'
  | 'Set API Key'
  | 'Use Demo Model'
  | 'Open Replay'
  | 'Install Agent Runtime'
  | 'Open Runtime Setting'
  | 'Manage Workspace Trust';

export interface Problem {
  message: string;
  fix: string;
  actions: ProblemAction[];
}

/** Restricted Mode: the workspace is not trusted, so no agent runs in it (pure). */
export function restrictedModeProblem(): Problem {
  return {
    message: 'NemoCognition does not run agents in Restricted Mode: this workspace is not trusted.',
    fix: 'If you trust this folder enough to let an agent work on it (inside the sandbox), trust it with "Manage Workspace Trust"; the Replay view and restores work without it.',
    actions: ['Manage Workspace Trust'],
  };
}

export function missingKeyProblem(s: NcSettings): Problem {
  return {
    message: `No API key is set for ${s.modelPreset === 'nim-nemotron' ? 'NVIDIA NIM' : s.modelEndpoint}.`,
    fix: 'Run "NemoCognition: Set API Key" (the key is kept in VS Code\'s secret storage), or switch the model preset to "demo" to try NemoCognition offline.',
    actions: ['Set API Key', 'Use Demo Model'],
  };
}

export function noWorkspaceProblem(): Problem {
  return {
    message: 'No workspace folder is open, so there is nothing for the agent to work on.',
    fix: 'Open the folder you want the agent to work on (File > Open Folder), then run the command again.',
    actions: [],
  };
}

export function alreadyRunningProblem(task: string): Problem {
  return {
    message: `A supervised run is already going ("${task.length > 60 ? task.slice(0, 59) + '…' : task}").`,
    fix: 'Wait for it to finish, or cancel it from the status bar or with "NemoCognition: Cancel Supervised Run".',
    actions: ['Show Output'],
  };
}

/** Errors thrown out of the run (the run itself reports expected failures as RunSummary.problem). */
export function problemFromError(err: unknown): Problem {
  const e = err instanceof Error ? err : new Error(String(err));
  const msg = e.message;
  // The core's runtime errors are written for every entry point (a checkout, the CLI); in VS Code, say what to do here.
  if (e.name === 'AgentRuntimeMissingError') {
    return {
      message: 'The agent runtime (OpenClaw) is not installed, so the agent cannot start.',
      fix: 'Install it with "NemoCognition: Install Agent Runtime" (about 850 MB, a few minutes), or set the runtime folder setting to a folder where it is installed.',
      actions: ['Install Agent Runtime', 'Open Runtime Setting'],
    };
  }
  if (e.name === 'AgentRuntimeInstallError') {
    const kind = (e as Error & { kind?: string }).kind;
    if (kind === 'cancelled') {
      return { message: 'The agent runtime install was cancelled, so the run did not start.', fix: 'Nothing was left behind. Install it when you are ready.', actions: ['Install Agent Runtime', 'Open Runtime Setting'] };
    }
    const fix = (e as Error & { fix?: string }).fix ?? '';
    return {
      message: `The agent runtime could not be installed: ${(fix ? msg.replace(fix, '') : msg).trim()}`,
      fix: fix || 'See the NemoCognition output for npm\'s messages, then install again.',
      actions: ['Install Agent Runtime', 'Open Runtime Setting', 'Show Output'],
    };
  }
  if (e.name === 'StoreLockedError') {
    return { message: msg, fix: 'Another NemoCognition window or `nemocog` process is recording into this workspace. Wait for it to finish or close it, then run again.', actions: ['Show Output'] };
  }
  if (/Cannot find module|supervisor/.test(msg) && /core\/run/.test(msg)) {
    return { message: `The supervised run is not available in this build: ${msg}`, fix: 'Rebuild the extension (npm run build) or install a complete release.', actions: ['Show Output'] };
  }
  if (/ECONNREFUSED|ENOTFOUND|EAI_AGAIN|fetch failed/.test(msg)) {
    return { message: `Could not reach the model endpoint: ${msg}`, fix: 'Check nemocognition.model.endpoint and your network, or switch the model preset to "demo".', actions: ['Open Settings', 'Use Demo Model', 'Show Output'] };
  }
  if (/\b401\b|\b403\b|unauthori[sz]ed|invalid api key/i.test(msg)) {
    return { message: `The model endpoint refused the API key: ${msg}`, fix: 'Set a valid key with "NemoCognition: Set API Key".', actions: ['Set API Key', 'Show Output'] };
  }
  // Core errors that carry their own fix (a missing ffmpeg, a damaged storyboard...) say it.
  const fix = (err as { fix?: unknown } | null)?.fix;
  if (typeof fix === 'string' && fix.trim()) return { message: msg, fix, actions: ['Show Output'] };
  // Core errors are written to say what to do already; add where to look.
  return { message: msg, fix: 'The NemoCognition output has the full narration and details.', actions: ['Show Output', 'Open Settings'] };
}
