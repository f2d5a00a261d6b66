/**
 * NemoCognition's VS Code entry: creates the services, registers commands,
 * the Replay view, the snapshot diff provider and the gutter markers, and
 * pushes every disposable. Behaviour lives in src/vscode/.
 */
import * as vscode from 'vscode';
import { registerCommands } from './vscode/commands';
import { SETTINGS_SECTION } from './vscode/config/settings';
import { SettingsGate } from './vscode/config/settingsGate';
import { GutterController } from './vscode/decorations/gutterController';
import { SnapshotContentProvider } from './vscode/diff/snapshotContentProvider';
import { SNAPSHOT_SCHEME } from './vscode/diff/snapshotUri';
import { RestoreService } from './vscode/restore/restoreService';
import { RunController } from './vscode/run/runController';
import { MirrorService } from './vscode/mirror/mirrorService';
import { ApiKeyStore } from './vscode/secrets/apiKeyStore';
import { PhoenixKeyStore } from './vscode/secrets/phoenixKeyStore';
import type { Services } from './vscode/services/services';
import { SnapshotService } from './vscode/services/snapshotService';
import { StoreService } from './vscode/services/storeService';
import { workspacePaths } from './vscode/services/workspacePaths';
import { ReplayViewProvider } from './vscode/views/replayViewProvider';

/** What activate() returns when VS Code runs the extension's tests (ExtensionMode.Test), and only then. */
export interface NemoCognitionTestApi {
  services: Services;
}

export function activate(context: vscode.ExtensionContext): NemoCognitionTestApi | undefined {
  const output = vscode.window.createOutputChannel('NemoCognition', { log: true });
  // Workspace values of settings that could redirect the key or weaken the sandbox: ignored or confirmed first.
  const gate = new SettingsGate(context.workspaceState, output);
  const settings = () => gate.settings();
  // The first folder of a multi-root workspace is the one agents work on.
  const paths = () => {
    const folder = vscode.workspace.workspaceFolders?.find((f) => f.uri.scheme === 'file');
    return folder ? workspacePaths(folder.uri.fsPath, settings().storeLocation) : undefined;
  };

  const store = new StoreService(paths, output);
  // A replicated remote run's snapshots are fetched on first need (replica/remoteSnapshots.ts).
  const snapshots = new SnapshotService(
    paths,
    () => settings().snapshotIgnore,
    (id) => store.query((s) => s.snapshot(id)),
    (message, completed) => {
      output.warn(`NemoCognition: ${message}`);
      void vscode.window.showWarningMessage(`NemoCognition: ${message}`, ...(completed ? [] : ['Show Output'])).then((c) => (c ? output.show(true) : undefined));
    },
  );
  const apiKey = new ApiKeyStore(context.secrets);
  const runs = new RunController({ output, store, apiKey, settings, paths, gate });
  const replay = new ReplayViewProvider({
    extensionUri: context.extensionUri,
    store,
    runs,
    settings,
    workspaceName: () => vscode.workspace.workspaceFolders?.[0]?.name ?? null,
    log: output,
  });
  const restore = new RestoreService(context.workspaceState, store, runs, snapshots, output);
  const gutter = new GutterController(context.extensionUri, store, paths, () => settings().gutterEnabled, {
    snapshots,
    restored: async () => (await restore.current())?.target,
    branchSetting: () => settings().gutterBranch,
  });
  const phoenixKey = new PhoenixKeyStore(context.secrets);
  // The second sink: `nemocog mirror --follow` in its own process while nemocognition.phoenix.enabled is on.
  const mirror = new MirrorService({ extensionUri: context.extensionUri, output, settings, paths, apiKey, phoenixKey });
  void mirror.restart();
  const services: Services = { context, output, settings, paths, store, snapshots, apiKey, runs, replay, gutter, restore, phoenixKey, mirror };
  replay.attach(services);

  context.subscriptions.push(
    output,
    store,
    snapshots,
    runs,
    replay,
    gutter,
    restore,
    mirror,
    phoenixKey.onDidChange(() => void mirror.restart()),
    apiKey.onDidChange(() => void mirror.restart()),
    vscode.window.registerWebviewViewProvider(ReplayViewProvider.viewId, replay),
    // The gutter follows the Replay view's playhead: the lines as of the selected step.
    replay.onDidChangeSelection((sel) => gutter.setPlayhead(sel.nodeId)),
    vscode.workspace.registerTextDocumentContentProvider(SNAPSHOT_SCHEME, new SnapshotContentProvider(snapshots)),
    ...registerCommands(services),
    vscode.workspace.onDidChangeConfiguration((e) => {
      if (!e.affectsConfiguration(SETTINGS_SECTION)) return;
      if (e.affectsConfiguration(`${SETTINGS_SECTION}.store.location`)) void store.reset();
      if (e.affectsConfiguration(`${SETTINGS_SECTION}.gutter`)) gutter.invalidate();
      if (e.affectsConfiguration(`${SETTINGS_SECTION}.phoenix`) || e.affectsConfiguration(`${SETTINGS_SECTION}.store.location`)) void mirror.restart();
      replay.settingsChanged();
    }),
    vscode.workspace.onDidChangeWorkspaceFolders(() => {
      void store.reset();
      void mirror.restart();
    }),
    restore.onDidChangeRestored(() => gutter.invalidate()),
  );
  // The in-host test suite (test/vscode/suite) drives the real services; other extensions never see them.
  return context.extensionMode === vscode.ExtensionMode.Test ? { services } : undefined;
}

export function deactivate(): void {
  // Disposables pushed to context.subscriptions are drained by VS Code.
}
