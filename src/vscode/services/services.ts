/** The services every command receives (created once in extension.ts). */
import type * as vscode from 'vscode';
import type { NcSettings } from '../config/settings';
import type { GutterController } from '../decorations/gutterController';
import type { RestoreService } from '../restore/restoreService';
import type { RunController } from '../run/runController';
import type { MirrorService } from '../mirror/mirrorService';
import type { ApiKeyStore } from '../secrets/apiKeyStore';
import type { PhoenixKeyStore } from '../secrets/phoenixKeyStore';
import type { ReplayViewProvider } from '../views/replayViewProvider';
import type { SnapshotService } from './snapshotService';
import type { StoreService } from './storeService';
import type { WorkspacePaths } from './workspacePaths';

export interface Services {
  context: vscode.ExtensionContext;
  output: vscode.LogOutputChannel;
  settings(): NcSettings;
  paths(): WorkspacePaths | undefined;
  store: StoreService;
  snapshots: SnapshotService;
  apiKey: ApiKeyStore;
  runs: RunController;
  replay: ReplayViewProvider;
  gutter: GutterController;
  restore: RestoreService;
  phoenixKey: PhoenixKeyStore;
  mirror: MirrorService;
}
