/** "Run Supervised Agent": pick a recent task or type a new one, then start the run. */
import * as vscode from 'vscode';
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

async function askTask(s: Services): Promise<string | undefined> {
  const recent = readRecent(s.context.globalState.get(RECENT_TASKS_KEY));
  if (recent.length === 0) return inputTask();
  const qp = vscode.window.createQuickPick<vscode.QuickPickItem & { task?: string }>();
  qp.title = 'NemoCognition: Run Supervised Agent';
  qp.placeholder = 'Type a new task for the agent, or pick a recent one';
  const newItem = { label: '$(add) New task…', alwaysShow: true };
  const recentItems = recent.map((t) => ({ label: t, task: t, description: 'recent' }));
  qp.items = [newItem, ...recentItems];
  return new Promise<string | undefined>((resolve) => {
    let done = false;
    const finish = (v: string | undefined) => {
      if (done) return;
      done = true;
      resolve(v);
      qp.dispose();
    };
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
      resolve(await inputTask());
    });
    qp.onDidHide(() => finish(undefined));
    qp.show();
  });
}

function inputTask(): Thenable<string | undefined> {
  return vscode.window.showInputBox({
    title: 'NemoCognition: Run Supervised Agent',
    prompt: 'What should the agent do? It works in a sandbox copy of this workspace; your files change only when you restore.',
    placeHolder: 'e.g. Add input validation to src/parse.ts and a test for it',
    ignoreFocusOut: true,
    validateInput: (v) => (v.trim() ? undefined : 'Describe the task, or press Escape to cancel.'),
  });
}
