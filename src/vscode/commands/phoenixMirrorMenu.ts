/** The Phoenix status-bar item's menu: what can be done from where the mirror is now. */
import * as vscode from 'vscode';
import type { Services } from '../services/services';
import { COMMANDS } from './ids';

interface Item extends vscode.QuickPickItem {
  run: () => Thenable<unknown> | void;
}

export function registerPhoenixMirrorMenu(s: Services): vscode.Disposable {
  return vscode.commands.registerCommand(COMMANDS.phoenixMirrorMenu, async () => {
    const { phoenixEnabled, phoenixEndpoint, phoenixProject } = s.settings();
    const cmd = (id: string, ...args: unknown[]) => () => vscode.commands.executeCommand(id, ...args);
    const hasKey = !!(await s.phoenixKey.get());
    const items: Item[] = phoenixEnabled
      ? [
          { label: '$(refresh) Retry now', description: 'send what is waiting without waiting for the next attempt', run: cmd(COMMANDS.retryPhoenixMirror) },
          ...(s.mirror.lastRunId ? [{ label: '$(link-external) Open latest run in Phoenix', run: cmd(COMMANDS.openRunInPhoenix, { runId: s.mirror.lastRunId }) }] : []),
          { label: '$(list-unordered) Open a run in Phoenix…', run: cmd(COMMANDS.openRunInPhoenix) },
          { label: '$(plug) Check connection', run: cmd(COMMANDS.checkPhoenix) },
          { label: '$(circle-slash) Turn the mirror off', run: cmd(COMMANDS.togglePhoenixMirror, false) },
        ]
      : [
          { label: '$(cloud-upload) Turn the mirror on', description: `every run of this workspace to ${phoenixEndpoint}`, run: cmd(COMMANDS.togglePhoenixMirror, true) },
          { label: '$(plug) Check connection', run: cmd(COMMANDS.checkPhoenix) },
        ];
    items.push(
      hasKey ? { label: '$(key) Clear Phoenix API key', run: cmd(COMMANDS.clearPhoenixApiKey) } : { label: '$(key) Set Phoenix API key…', description: 'only if Phoenix has authentication on', run: cmd(COMMANDS.setPhoenixApiKey) },
      { label: '$(settings-gear) Phoenix settings', run: cmd('workbench.action.openSettings', 'nemocognition.phoenix') },
      { label: '$(output) Show output', run: cmd(COMMANDS.showOutput) },
    );
    const pick = await vscode.window.showQuickPick(items, { title: `Phoenix mirror · ${phoenixEndpoint} · project ${phoenixProject}`, placeHolder: 'Phoenix mirror' });
    await pick?.run();
  });
}
