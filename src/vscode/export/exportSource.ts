/**
 * What the export commands read, from the services the extension already has
 * open: a recorded run (store), its snapshots, and a scrubber that knows the
 * user's model key. Also which run to export: the one given, the one selected
 * in the Replay view, the only one, or the user's pick.
 */
import * as path from 'node:path';
import * as vscode from 'vscode';
import type { Branch, Node, Run } from '../../core/model/types';
import type { SpanRecord } from '../../core/model/spans';
import { Scrubber } from '../../core/redact';
import type { SnapshotEngine } from '../../core/snapshots/engine';
import { isId } from '../../protocol/check';
import { guarded } from '../commands/guard';
import type { Services } from '../services/services';

export interface ExportSource {
  run: Run;
  branches: Branch[];
  nodes: Node[];
  spansOfNode(nodeId: string): SpanRecord[];
  snapshotOf(nodeId: string): { snapshotId: string; root: string } | undefined;
  snapshots: SnapshotEngine | undefined;
  scrub(text: string): string;
}

export async function exportSource(s: Services, runId: string): Promise<ExportSource> {
  const data = await s.store.query((st) => {
    const run = st.getRun(runId);
    if (!run) return undefined;
    // Read everything now: the store may move on while the export runs.
    const nodes = st.nodesOfRun(runId);
    const spans = new Map(nodes.map((n) => [n.id, st.spansOfNode(n.id)]));
    const snaps = new Map(nodes.map((n) => [n.id, st.snapshotOfNode(n.id)]));
    return { run, branches: st.branchesOf(runId), nodes, spans, snaps };
  });
  if (!data) throw new Error(`Run ${runId} is not in this workspace's store any more.`);
  const snapshots = await s.snapshots.get().then(
    (x) => x.engine,
    (e: Error) => {
      s.output.warn(`Exporting without file changes: ${e.message}`);
      return undefined;
    },
  );
  const scrubber = new Scrubber();
  scrubber.addSecret(await s.apiKey.get(), 'model-api-key');
  return {
    run: data.run,
    branches: data.branches,
    nodes: data.nodes,
    spansOfNode: (id) => data.spans.get(id) ?? [],
    snapshotOf: (id) => data.snaps.get(id),
    snapshots,
    scrub: (t) => scrubber.scrub(t),
  };
}

/**
 * What an export command may be given: a run id (from the Replay view), or, for automation and tests,
 * `{ runId, out, size, fps }` with an absolute output path (no dialog then).
 */
export interface ExportArgs {
  runId?: string;
  out?: string;
  size?: string;
  fps?: number;
}

export function exportArgs(arg: unknown): ExportArgs {
  if (isId(arg)) return { runId: arg };
  if (!arg || typeof arg !== 'object') return {};
  const a = arg as Record<string, unknown>;
  return {
    ...(isId(a.runId) ? { runId: a.runId } : {}),
    ...(typeof a.out === 'string' && path.isAbsolute(a.out) ? { out: a.out } : {}),
    ...(typeof a.size === 'string' ? { size: a.size } : {}),
    ...(typeof a.fps === 'number' ? { fps: a.fps } : {}),
  };
}

/** The run to export, or undefined when there is none (the user was told) or the pick was dismissed. */
export async function pickRun(s: Services, runId: string | undefined, what: string): Promise<string | undefined> {
  if (runId) return runId;
  const runs = (await s.store.query((st) => st.listRuns())) ?? [];
  if (runs.length === 0) {
    void vscode.window.showInformationMessage('There are no recorded runs in this workspace yet. Run "NemoCognition: Run Supervised Agent" first.');
    return undefined;
  }
  const selected = s.replay.selectedRunId;
  if (selected && runs.some((r) => r.id === selected)) return selected;
  if (runs.length === 1) return runs[0]!.id;
  const items = runs
    .sort((a, b) => b.startedAt - a.startedAt)
    .map((r) => ({ label: r.task.length > 80 ? `${r.task.slice(0, 79)}…` : r.task, description: `${r.status} · ${new Date(r.startedAt).toLocaleString()}`, detail: r.id, runId: r.id }));
  const pick = await vscode.window.showQuickPick(items, { placeHolder: `Which run should be ${what}?`, matchOnDetail: true });
  return pick?.runId;
}

/** Where to write: the path given, or a save dialog in the workspace folder with a name made from the run id. */
export async function askTarget(s: Services, runId: string, ext: string, label: string, given?: string): Promise<vscode.Uri | undefined> {
  if (given) return vscode.Uri.file(given);
  const root = s.paths()?.root;
  const name = `${runId}.${ext}`;
  return vscode.window.showSaveDialog({
    defaultUri: root ? vscode.Uri.joinPath(vscode.Uri.file(root), name) : undefined,
    filters: { [label]: [ext.split('.').pop()!] },
    saveLabel: 'Export',
    title: `NemoCognition: ${label}`,
  });
}

/**
 * An export command's handler: which run (given, selected, only, or picked), where to (given, or a save
 * dialog), then `write` with the run read from the store and snapshots. Errors reach the user with a fix.
 */
export function exportHandler(
  s: Services,
  title: string,
  target: { what: string; ext: string; label: string },
  write: (src: ExportSource, out: vscode.Uri, args: ExportArgs) => Promise<void>,
): (arg?: unknown) => Promise<void> {
  return guarded(s.output, title, async (arg?: unknown) => {
    const args = exportArgs(arg);
    const runId = await pickRun(s, args.runId, target.what);
    if (!runId) return;
    const out = await askTarget(s, runId, target.ext, target.label, args.out);
    if (!out) return;
    await write(await exportSource(s, runId), out, args);
  });
}
