/**
 * "NemoCognition: Check Setup": the same checks as `nemocog doctor`, with the
 * settings and the key in SecretStorage (its presence; the key goes only to
 * the model endpoint). The table goes to the output channel; the summary
 * offers the fix for the first failure.
 */
import * as vscode from 'vscode';
import { formatReport, runDoctor, type CheckResult, type DoctorReport } from '../../core/doctor';
import { doctorOptionsFromSettings } from '../config/doctorOptions';
import { startDemoEndpoint } from '../run/runner';
import { exposeRuntimeDir } from '../runtime/runtimeContext';
import type { Services } from '../services/services';
import { COMMANDS } from './ids';
import { guarded } from './guard';

export function registerCheckSetup(s: Services): vscode.Disposable {
  let last: DoctorReport | undefined;
  const check = guarded(s.output, 'Check Setup', async () => {
    const settings = s.settings();
    const choice = exposeRuntimeDir(settings.agentRuntimeDir);
    const key = await s.apiKey.get();
    const phoenixKey = settings.phoenixEnabled ? await s.phoenixKey.get() : undefined;
    const demo = settings.modelPreset === 'demo' ? await startDemoEndpoint(settings.demoScenario) : undefined;
    try {
      const model = demo?.endpoint ?? { baseUrl: settings.modelEndpoint, model: settings.modelId, apiKey: key || undefined };
      const report = await vscode.window.withProgress({ location: vscode.ProgressLocation.Notification, title: 'NemoCognition: checking the setup…' }, () =>
        runDoctor(doctorOptionsFromSettings(settings, model, !!key, choice?.dir, phoenixKey || undefined)),
      );
      s.output.info(`Setup check:\n${formatReport(report)}`);
      // The toast is not awaited: the command resolves with the report (tests, other commands) while it shows.
      void announce(s, report.checks);
      last = report;
    } finally {
      await demo?.close();
    }
  });
  // Resolves with the report (undefined when the check itself could not run: the error was shown).
  return vscode.commands.registerCommand(COMMANDS.checkSetup, async () => {
    last = undefined;
    await check();
    return last;
  });
}

async function announce(s: Services, checks: CheckResult[]): Promise<void> {
  const failed = checks.filter((c) => c.status === 'fail');
  const warned = checks.filter((c) => c.status === 'warn');
  if (failed.length === 0) {
    const pick = await vscode.window.showInformationMessage(`NemoCognition setup: all checks passed${warned.length ? ` (${warned.length} warning(s))` : ''}.`, 'Show Details');
    if (pick) s.output.show(true);
    return;
  }
  const first = failed[0]!;
  const action = actionFor(first);
  const pick = await vscode.window.showErrorMessage(
    `NemoCognition setup: ${failed.length} check(s) failed, so a run would fail. ${first.title}: ${first.detail}. ${first.fix ?? ''}`,
    ...(action ? [action.label] : []),
    'Show Details',
  );
  if (pick === 'Show Details') s.output.show(true);
  else if (action && pick === action.label) await vscode.commands.executeCommand(...action.command);
}

function actionFor(c: CheckResult): { label: string; command: [string, ...unknown[]] } | undefined {
  if (c.group === 'key' || (c.id === 'model.reachable' && /key/i.test(c.detail))) return { label: 'Set API Key', command: [COMMANDS.setApiKey] };
  if (c.group === 'agent') return { label: 'Install Agent Runtime', command: [COMMANDS.installAgentRuntime] };
  if (c.group === 'model') return { label: 'Open Model Settings', command: ['workbench.action.openSettings', 'nemocognition.model'] };
  if (c.group === 'nemoclaw') return { label: 'Open NemoClaw Settings', command: ['workbench.action.openSettings', 'nemocognition.nemoclaw'] };
  if (c.group === 'remote') return { label: 'Open Remote Settings', command: ['workbench.action.openSettings', 'nemocognition.sandbox.remote'] };
  if (c.group === 'sandbox') return { label: 'Open Sandbox Settings', command: ['workbench.action.openSettings', 'nemocognition.sandbox'] };
  return undefined;
}
