/**
 * "Open Run in Phoenix": the run's trace in Phoenix's UI (the DAG as a span
 * tree) through Phoenix's deep link. Without an argument: a QuickPick of the
 * workspace's runs, newest first.
 */
import * as vscode from 'vscode';
import { phoenixSessionUrl, phoenixTraceUrl } from '../../core/mirror/links';
import type { Services } from '../services/services';
import { guarded } from './guard';
import { COMMANDS } from './ids';
import { openPhoenixUrl } from './openPhoenixUrl';

export function registerOpenRunInPhoenix(s: Services): vscode.Disposable {
  return vscode.commands.registerCommand(
    COMMANDS.openRunInPhoenix,
    guarded(s.output, 'Open Run in Phoenix', async (arg?: unknown) => {
      const runId = typeof arg === 'string' ? arg : (arg as { runId?: unknown } | undefined)?.runId;
      const id = typeof runId === 'string' ? runId : await pickRun(s);
      if (!id) return;
      const view = (arg as { view?: unknown } | undefined)?.view === 'session' ? 'session' : 'trace';
      const endpoint = s.settings().phoenixEndpoint;
      await openPhoenixUrl(s, view === 'session' ? phoenixSessionUrl(endpoint, id) : phoenixTraceUrl(endpoint, id));
    }),
  );
}

async function pickRun(s: Services): Promise<string | undefined> {
  const runs = await s.store.query((st) => st.listRuns().sort((a, b) => b.startedAt - a.startedAt));
  if (!runs?.length) {
    void vscode.window.showInformationMessage('There are no recorded runs in this workspace yet. Run "NemoCognition: Run Supervised Agent" first.');
    return undefined;
  }
  const last = s.mirror.lastRunId;
  const pick = await vscode.window.showQuickPick(
    runs.map((r) => ({
      label: r.task.length > 80 ? `${r.task.slice(0, 79)}…` : r.task || r.id,
      description: `${r.status}${r.id === last ? ' · last mirrored' : ''}`,
      detail: `${new Date(r.startedAt).toLocaleString()} · ${r.id}`,
      runId: r.id,
    })),
    { placeHolder: 'Open which run in Phoenix?', matchOnDescription: true, matchOnDetail: true },
  );
  return pick?.runId;
}
