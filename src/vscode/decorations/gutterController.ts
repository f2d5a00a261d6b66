/**
 * Gutter markers on lines an agent step wrote (from the store's line
 * attribution), with a hover naming the step, the tool and the reasoning.
 * Applied with a short debounce on visible-editor and document changes and
 * whenever the store changes; visible editors only.
 */
import * as vscode from 'vscode';
import type { StoreService } from '../services/storeService';
import type { WorkspacePaths } from '../services/workspacePaths';
import { relativeInWorkspace } from '../services/workspacePaths';
import { createAgentLineDecoration } from './decorationTypes';
import { askingModelCall, hoverFactsFor } from './hoverFacts';
import { buildHoverMarkdown } from './hoverMarkdown';

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
  private readonly cache = new Map<string, Marker[]>();
  /** What was last drawn in each visible editor (document URI → ranges): what a user sees, for the in-host tests. */
  private readonly drawn = new Map<string, vscode.Range[]>();
  private timer: ReturnType<typeof setTimeout> | undefined;
  private generation = 0;

  constructor(
    extensionUri: vscode.Uri,
    private readonly store: StoreService,
    private readonly paths: () => WorkspacePaths | undefined,
    private readonly enabled: () => boolean,
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
    for (const ed of editors) {
      const rel = ed.document.uri.scheme === 'file' ? relativeInWorkspace(paths, ed.document.uri.fsPath) : undefined;
      const markers = rel ? await this.markersFor(rel) : [];
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

  private async markersFor(rel: string): Promise<Marker[]> {
    const hit = this.cache.get(rel);
    if (hit) return hit;
    const markers =
      (await this.store.query((s) =>
        s
          .attributionFor(rel)
          .slice(0, MAX_RANGES_PER_FILE)
          .flatMap((a) => {
            const node = s.getNode(a.nodeId);
            if (!node) return [];
            const branch = s.getBranch(node.branchId);
            const parent = (node.parentNodeId ? s.getNode(node.parentNodeId) : undefined) ?? askingModelCall(node, s.nodesOfBranch(node.branchId));
            return [{ startLine: a.startLine, endLine: a.endLine, hover: buildHoverMarkdown(hoverFactsFor(a, node, branch, parent)) }];
          }),
      )) ?? [];
    this.cache.set(rel, markers);
    return markers;
  }

  dispose(): void {
    if (this.timer) clearTimeout(this.timer);
    this.subs.forEach((d) => d.dispose());
  }
}
