/**
 * "Open Step in Phoenix" (internal; the Replay inspector's "Open in Phoenix"):
 * `{ nodeId }` opens the step's span, `{ branchId }` the branch's AGENT span,
 * `{ runId, view? }` the run's trace or session. URLs come from core/mirror/links.ts.
 */
import * as vscode from 'vscode';
import { phoenixBranchUrl, phoenixNodeUrl, phoenixSessionUrl, phoenixTraceUrl } from '../../core/mirror/links';
import type { Services } from '../services/services';
import { guarded } from './guard';
import { COMMANDS } from './ids';
import { openPhoenixUrl } from './openPhoenixUrl';

export function registerOpenInPhoenix(s: Services): vscode.Disposable {
  return vscode.commands.registerCommand(
    COMMANDS.openInPhoenix,
    guarded(s.output, 'Open in Phoenix', async (arg?: unknown) => {
      const a = (arg ?? {}) as { nodeId?: unknown; branchId?: unknown; runId?: unknown; view?: unknown };
      const endpoint = s.settings().phoenixEndpoint;
      const id = (v: unknown) => (typeof v === 'string' && /^[\w.-]{1,200}$/.test(v) ? v : undefined);
      let url: string | undefined;
      if (id(a.nodeId)) url = phoenixNodeUrl(endpoint, id(a.nodeId)!);
      else if (id(a.branchId)) url = phoenixBranchUrl(endpoint, id(a.branchId)!);
      else if (id(a.runId)) url = a.view === 'session' ? phoenixSessionUrl(endpoint, id(a.runId)!) : phoenixTraceUrl(endpoint, id(a.runId)!);
      if (!url) {
        await vscode.commands.executeCommand(COMMANDS.openRunInPhoenix);
        return;
      }
      await openPhoenixUrl(s, url);
    }),
  );
}
