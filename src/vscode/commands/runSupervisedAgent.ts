/**
 * "Run Supervised Agent": pick a recent task or type a new one, then start the
 * run. With the offline demo model, the task box says that the model plays a
 * scripted scenario whatever the task, and offers to pick the scenario.
 */
import * as vscode from 'vscode';
import { DEMO_SCENARIOS, SETTINGS_SECTION } from '../config/settings';
import { demoNote, SCENARIO_TEXT } from '../run/demoScenario';
import { readRecent, RECENT_TASKS_KEY, rememberTask } from '../run/recentTasks';
import type { Services } from '../services/services';
import { guarded } from './guard';
import { COMMANDS } from './ids';

export function registerRunSupervisedAgent(s: Services): vscode.Disposable {
  return vscode.commands.registerCommand(
    COMMANDS.runSupervisedAgent,
    guarded(s.output, 'Run Supervised Agent', async (taskArg?: unknown) => {
      const task = typeof taskArg === 'string' && taskArg.trim() ? taskArg.trim() : await askTask(s);
      if (!task) return;
      await s.context.globalState.update(RECENT_TASKS_KEY, rememberTask(readRecent(s.context.globalState.get(RECENT_TASKS_KEY)), task));
      // Not awaited: the command returns while the run goes on under its progress notification.
      void s.runs.start(task);
    }),
  );
}

const SCENARIO_BUTTON: vscode.QuickInputButton = { iconPath: new vscode.ThemeIcon('beaker'), tooltip: 'Pick the demo scenario' };


async function pickDemoScenario(s: Services): Promise<void> {
  const current = s.settings().demoScenario;
  const pick = await vscode.window.showQuickPick(
    DEMO_SCENARIOS.map((id) => ({ label: id, description: id === current ? 'current' : '', detail: SCENARIO_TEXT[id], id })),
    { title: 'NemoCognition: demo scenario', placeHolder: 'Which script should the offline demo model play?' },
  );
  if (pick) await vscode.workspace.getConfiguration(SETTINGS_SECTION).update('model.demoScenario', pick.id, vscode.ConfigurationTarget.Global);
}

async function askTask(s: Services): Promise<string | undefined> {
  const recent = readRecent(s.context.globalState.get(RECENT_TASKS_KEY));
  if (recent.length === 0) return inputTask(s);
  const note = demoNote(s.settings());
  const qp = vscode.window.createQuickPick<vscode.QuickPickItem & { task?: string }>();
  qp.title = 'NemoCognition: Run Supervised Agent';
  qp.placeholder = note ?? 'Type a new task for the agent, or pick a recent one';
  if (note) qp.buttons = [SCENARIO_BUTTON];
  const newItem = { label: '$(add) New task…', alwaysShow: true };
  const recentItems = recent.map((t) => ({ label: t, task: t, description: 'recent' }));
  qp.items = [newItem, ...recentItems];
  return new Promise<string | undefined>((resolve) => {
    let done = false;
    const finish = settleOnce(resolve, qp, () => done, () => (done = true));
    qp.onDidChangeValue((v) => {
      // What the user types is itself a candidate task.
      qp.items = v.trim() ? [{ label: v, task: v, description: 'new task', alwaysShow: true }, ...recentItems] : [newItem, ...recentItems];
    });
    qp.onDidAccept(async () => {
      const sel = qp.selectedItems[0];
      if (sel?.task) return finish(sel.task);
      if (qp.value.trim()) return finish(qp.value.trim());
      done = true;
      qp.dispose();
      resolve(await inputTask(s));
    });
    qp.onDidTriggerButton(async () => {
      done = true;
      qp.dispose();
      await pickDemoScenario(s);
      resolve(await askTask(s));
    });
    qp.onDidHide(() => finish(undefined));
    qp.show();
  });
}

/** Resolves a quick input's promise once and disposes it (hiding it afterwards resolves nothing more). */
function settleOnce(resolve: (v: string | undefined) => void, input: vscode.Disposable, isDone: () => boolean, markDone: () => void): (v: string | undefined) => void {
  return (v) => {
    if (isDone()) return;
    markDone();
    resolve(v);
    input.dispose();
  };
}

function inputTask(s: Services, value = ''): Promise<string | undefined> {
  const note = demoNote(s.settings());
  const box = vscode.window.createInputBox();
  box.title = 'NemoCognition: Run Supervised Agent';
  box.prompt = `What should the agent do? It works in a sandbox copy of this workspace; your files change only when you restore.${note ? ` ${note}` : ''}`;
  box.placeholder = 'e.g. Add input validation to src/parse.ts and a test for it';
  box.ignoreFocusOut = true;
  box.value = value;
  if (note) box.buttons = [SCENARIO_BUTTON];
  return new Promise<string | undefined>((resolve) => {
    let done = false;
    const finish = settleOnce(resolve, box, () => done, () => (done = true));
    box.onDidChangeValue((v) => (box.validationMessage = v.trim() || !v ? undefined : 'Describe the task, or press Escape to cancel.'));
    box.onDidAccept(() => {
      if (box.value.trim()) finish(box.value.trim());
      else box.validationMessage = 'Describe the task, or press Escape to cancel.';
    });
    box.onDidTriggerButton(async () => {
      const kept = box.value;
      done = true;
      box.dispose();
      await pickDemoScenario(s);
      resolve(await inputTask(s, kept));
    });
    box.onDidHide(() => finish(undefined));
    box.show();
  });
}
