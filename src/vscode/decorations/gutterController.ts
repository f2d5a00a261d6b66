/**
 * Gutter markers on lines an agent step wrote (from the store's line
 * attribution), with a hover naming the step, the tool and the reasoning.
 * Applied with a short debounce on visible-editor and document changes and
 * whenever the store changes; visible editors only. While a step is selected
 * in the Replay view, the markers follow it (see playhead.ts).
 */
import * as vscode from 'vscode';
import type { StoreService } from '../services/storeService';
import type { WorkspacePaths } from '../services/workspacePaths';
import { relativeInWorkspace } from '../services/workspacePaths';
import { createGutterDecorationTypes, type GutterDecorationTypes } from './decorationTypes';
import { askingModelCall, hoverFactsFor } from './hoverFacts';
import { buildHoverMarkdown, lineNote, type HoverFacts } from './hoverMarkdown';
import { atPlayhead, factsAtPlayhead, playheadOf, type Playhead } from './playhead';

const DEBOUNCE_MS = 250;
const MAX_RANGES_PER_FILE = 5_000;

interface Marker {
  startLine: number;
  endLine: number;
  nodeId: string;
  facts: HoverFacts;
}

export class GutterController implements vscode.Disposable {
  private readonly types: GutterDecorationTypes;
  private playhead: Playhead | null = null;
  private playheadNodeId: string | null = null;
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
    this.types = createGutterDecorationTypes(extensionUri);
    this.subs.push(
      this.types.agent,
      this.types.playhead,
      this.types.note,
      vscode.window.onDidChangeVisibleTextEditors(() => this.schedule()),
      vscode.workspace.onDidChangeTextDocument((e) => {
        if (vscode.window.visibleTextEditors.some((ed) => ed.document === e.document)) this.schedule();
      }),
      store.onDidChange(() => this.invalidate()),
    );
    this.schedule();
  }

  /** The step selected in the Replay view (null: none): markers show the lines as of that step. */
  async setPlayhead(nodeId: string | null): Promise<void> {
    this.playheadNodeId = nodeId;
    const playhead = nodeId
      ? ((await this.store.query((s) => {
          const node = s.getNode(nodeId);
          const run = node ? s.getRun(node.runId) : undefined;
          return node && run ? playheadOf(run, s.branchesOf(run.id), s.nodesOfRun(run.id), nodeId) : null;
        })) ?? null)
      : null;
    // Only the latest selection counts: an earlier query that answers late must not win.
    if (this.playheadNodeId !== nodeId) return;
    this.playhead = playhead;
    this.invalidate();
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
      for (const ed of editors) this.draw(ed, [], [], []);
      return;
    }
    for (const ed of editors) {
      const rel = ed.document.uri.scheme === 'file' ? relativeInWorkspace(paths, ed.document.uri.fsPath) : undefined;
      const markers = atPlayhead(rel ? await this.markersFor(rel) : [], this.playhead);
      if (gen !== this.generation) return; // a newer pass is under way
      const last = ed.document.lineCount - 1;
      const lines: vscode.DecorationOptions[] = [];
      const current: vscode.DecorationOptions[] = [];
      const notes: vscode.DecorationOptions[] = [];
      for (const m of markers) {
        const start = Math.min(Math.max(m.startLine - 1, 0), last);
        const end = Math.min(Math.max(m.endLine - 1, start), last);
        const built = buildHoverMarkdown(m.facts, Date.now(), m.current);
        const md = new vscode.MarkdownString(built.value);
        md.isTrusted = { enabledCommands: built.enabledCommands };
        md.supportHtml = false;
        // Whole lines, so hovering anywhere on them (and on the note at the end of the first) shows who wrote them.
        const range = new vscode.Range(start, 0, end, ed.document.lineAt(end).range.end.character);
        (m.current ? current : lines).push({ range, hoverMessage: md });
        const eol = ed.document.lineAt(start).range.end;
        notes.push({ range: new vscode.Range(eol, eol), renderOptions: { after: { contentText: lineNote(m.facts, m.current) } } });
      }
      this.draw(ed, lines, current, notes);
    }
  }

  private draw(ed: vscode.TextEditor, lines: vscode.DecorationOptions[], current: vscode.DecorationOptions[], notes: vscode.DecorationOptions[]): void {
    ed.setDecorations(this.types.agent, lines);
    ed.setDecorations(this.types.playhead, current);
    ed.setDecorations(this.types.note, notes);
    this.drawn.set(ed.document.uri.toString(), [...lines, ...current].map((o) => o.range));
  }

  /** The marker ranges last drawn for a document (empty when none, or when it is not visible). */
  drawnFor(uri: vscode.Uri): readonly vscode.Range[] {
    return this.drawn.get(uri.toString()) ?? [];
  }

  private async markersFor(rel: string): Promise<Marker[]> {
    // Keyed by the playhead too: a pass begun before the playhead moved must not fill the cache for the new one.
    const playhead = this.playhead;
    const key = `${playhead?.nodeId ?? ''}\u0000${rel}`;
    const hit = this.cache.get(key);
    if (hit) return hit;
    const markers =
      (await this.store.query((s) =>
        // At a playhead, the file's writes replayed up to it (each line's last writer then); else the last writers now.
        (playhead ? factsAtPlayhead(s.attributionHistoryFor(rel), playhead) : s.attributionFor(rel))
          .slice(0, MAX_RANGES_PER_FILE)
          .flatMap((a) => {
            const node = s.getNode(a.nodeId);
            if (!node) return [];
            const branch = s.getBranch(node.branchId);
            const parent = (node.parentNodeId ? s.getNode(node.parentNodeId) : undefined) ?? askingModelCall(node, s.nodesOfBranch(node.branchId));
            return [{ startLine: a.startLine, endLine: a.endLine, nodeId: a.nodeId, facts: hoverFactsFor(a, node, branch, parent) }];
          }),
      )) ?? [];
    this.cache.set(key, markers);
    return markers;
  }

  dispose(): void {
    if (this.timer) clearTimeout(this.timer);
    this.subs.forEach((d) => d.dispose());
  }
}
