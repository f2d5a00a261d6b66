/**
 * Seam between the VS Code command and the core's supervised run. Loaded
 * lazily so activation does not pay for the run machinery. The `demo` preset
 * starts the scripted demo model shipped in the core and points the run at it.
 */
import type { ModelEndpoint, RunListener, RunSummary, SupervisedRunOptions } from '../../core/run/api';
import type { ForkRunOptions } from '../../core/run/supervisor';
import { ensureAgentRuntimeForRun } from '../runtime/ensureRuntime';

export async function forkSupervisedAgent(opts: ForkRunOptions, listener: RunListener): Promise<RunSummary> {
  await ensureAgentRuntimeForRun({ ...opts, task: '' }, (text) => listener.narration?.(text, Date.now()));
  const { forkSupervised } = await import('../../core/run/supervisor');
  return forkSupervised(opts, listener);
}

export async function runSupervisedAgent(opts: SupervisedRunOptions, listener: RunListener): Promise<RunSummary> {
  // Points the core at the configured runtime folder; offers the install when it is missing.
  await ensureAgentRuntimeForRun(opts, (text) => listener.narration?.(text, Date.now()));
  const { runSupervised } = await import('../../core/run/supervisor');
  return runSupervised(opts, listener);
}

export interface DemoEndpoint {
  endpoint: ModelEndpoint;
  close(): Promise<void>;
}

export async function startDemoEndpoint(scenario: string): Promise<DemoEndpoint> {
  const { startDemoModel } = await import('../../core/demo');
  const m = await startDemoModel({ scenario });
  return { endpoint: { baseUrl: m.baseUrl, model: m.model, reasoning: 'off' }, close: () => m.close() };
}
