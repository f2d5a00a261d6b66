/**
 * Gutter markers on lines an agent step wrote, with a hover naming the step,
 * the tool and the reasoning. Which lines: markerLines.ts (one branch, only
 * lines whose current text is still what the step wrote). Applied with a
 * short debounce on visible-editor and document changes and whenever the
 * store or the restored branch changes; visible editors only.
 */
import * as vscode from 'vscode';
import type { LineOwners } from '../../core/attribution/currentLines';
import type { RestoreTarget } from '../../core/restore/undoStack';
import type { SnapshotService } from '../services/snapshotService';
import type { StoreService } from '../services/storeService';
import type { WorkspacePaths } from '../services/workspacePaths';
import { relativeInWorkspace } from '../services/workspacePaths';
import { createAgentLineDecoration } from './decorationTypes';
import { askingModelCall, hoverFactsFor } from './hoverFacts';
import { buildHoverMarkdown } from './hoverMarkdown';
import { chooseBranch, markersNow, ownersFor, type BranchChoice } from './markerLines';

export interface GutterSources {
  snapshots: SnapshotService;
  /** The restore currently in effect (top of the undo stack). */
  restored(): Promise<RestoreTarget | undefined>;
  /** `nemocognition.gutter.branch`. */
  branchSetting(): string;
}

const DEBOUNCE_MS = 250;
const MAX_RANGES_PER_FILE = 5_000;

interface Marker {
  startLine: number;
  endLine: number;
  hover: { value: string; enabledCommands: string[] };
}

export class GutterController implements vscode.Disposable {
  private readonly type: vscode.TextEditorDecorationType;
  private readonly subs: vscode.Disposable[] = [];
  private readonly cache = new Map<string, Promise<LineOwners>>();
  /** What was last drawn in each visible editor (document URI → ranges): what a user sees, for the in-host tests. */
  private readonly drawn = new Map<string, vscode.Range[]>();
  private timer: ReturnType<typeof setTimeout> | undefined;
  private generation = 0;

  constructor(
    extensionUri: vscode.Uri,
    private readonly store: StoreService,
    private readonly paths: () => WorkspacePaths | undefined,
    private readonly enabled: () => boolean,
    private readonly sources: GutterSources,
  ) {
    this.type = createAgentLineDecoration(extensionUri);
    this.subs.push(
      this.type,
      vscode.window.onDidChangeVisibleTextEditors(() => this.schedule()),
      vscode.workspace.onDidChangeTextDocument((e) => {
        if (vscode.window.visibleTextEditors.some((ed) => ed.document === e.document)) this.schedule();
      }),
      store.onDidChange(() => this.invalidate()),
    );
    this.schedule();
  }

  /** Settings or the store changed: drop cached attribution and redraw. */
  invalidate(): void {
    this.cache.clear();
    this.schedule();
  }

  private schedule(): void {
    if (this.timer) clearTimeout(this.timer);
    this.timer = setTimeout(() => void this.apply(), DEBOUNCE_MS);
  }

  private async apply(): Promise<void> {
    const gen = ++this.generation;
    const editors = vscode.window.visibleTextEditors;
    const paths = this.paths();
    if (!this.enabled() || !paths) {
      for (const ed of editors) this.draw(ed, []);
      return;
    }
    const choice = await this.choice();
    for (const ed of editors) {
      const rel = ed.document.uri.scheme === 'file' ? relativeInWorkspace(paths, ed.document.uri.fsPath) : undefined;
      const markers = rel && choice ? await this.markersFor(rel, choice, ed.document.getText()) : [];
      if (gen !== this.generation) return; // a newer pass is under way
      const last = ed.document.lineCount - 1;
      const options: vscode.DecorationOptions[] = [];
      for (const m of markers) {
        const start = Math.min(Math.max(m.startLine - 1, 0), last);
        const end = Math.min(Math.max(m.endLine - 1, start), last);
        const md = new vscode.MarkdownString(m.hover.value);
        md.isTrusted = { enabledCommands: m.hover.enabledCommands };
        md.supportHtml = false;
        options.push({ range: new vscode.Range(start, 0, end, 0), hoverMessage: md });
      }
      this.draw(ed, options);
    }
  }

  private draw(ed: vscode.TextEditor, options: vscode.DecorationOptions[]): void {
    ed.setDecorations(this.type, options);
    this.drawn.set(ed.document.uri.toString(), options.map((o) => o.range));
  }

  /** The marker ranges last drawn for a document (empty when none, or when it is not visible). */
  drawnFor(uri: vscode.Uri): readonly vscode.Range[] {
    return this.drawn.get(uri.toString()) ?? [];
  }

  private async choice(): Promise<BranchChoice | undefined> {
    const restored = await this.sources.restored();
    return (await this.store.query((s) => chooseBranch(this.sources.branchSetting(), restored, s))) ?? undefined;
  }

  /** Markers for the editor's current text: ownership is cached per file and branch, matched to the text on every pass. */
  private async markersFor(rel: string, choice: BranchChoice, text: string): Promise<Marker[]> {
    const key = `${choice.branchId}|${choice.beforeSeq ?? ''}|${rel}`;
    let owners = this.cache.get(key);
    if (!owners) {
      owners = this.ownersOf(rel, choice);
      this.cache.set(key, owners);
    }
    const lines = markersNow(await owners, text).slice(0, MAX_RANGES_PER_FILE);
    if (lines.length === 0) return [];
    return (
      (await this.store.query((s) =>
        lines.flatMap((m) => {
          const node = s.getNode(m.nodeId);
          if (!node) return [];
          const branch = s.getBranch(node.branchId);
          const parent = (node.parentNodeId ? s.getNode(node.parentNodeId) : undefined) ?? askingModelCall(node, s.nodesOfBranch(node.branchId));
          const a = { startLine: m.startLine, endLine: m.endLine, nodeId: node.id, runId: node.runId, at: node.endTime ?? node.startTime };
          return [{ startLine: m.startLine, endLine: m.endLine, hover: buildHoverMarkdown(hoverFactsFor(a, node, branch, parent)) }];
        }),
      )) ?? []
    );
  }

  private async ownersOf(rel: string, choice: BranchChoice): Promise<LineOwners> {
    let engine: Awaited<ReturnType<SnapshotService['get']>>['engine'] | undefined;
    try {
      engine = (await this.sources.snapshots.get()).engine;
    } catch {
      return { lines: [], owners: [] };
    }
    const readAfter = async (snapshotId: string, path: string) => {
      try {
        const b = engine!.readFile(snapshotId, path);
        return b && b.length <= 2_000_000 && !b.includes(0) ? b.toString('utf8') : undefined;
      } catch {
        return undefined; // collected or damaged: no marker rather than a wrong one
      }
    };
    const owners = await this.store.query((s) => ownersFor(s, choice, rel, readAfter));
    return (await owners) ?? { lines: [], owners: [] };
  }

  dispose(): void {
    if (this.timer) clearTimeout(this.timer);
    this.subs.forEach((d) => d.dispose());
  }
}
