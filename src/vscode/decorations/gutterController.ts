/**
 * Gutter markers on lines an agent step wrote, with a hover naming the step,
 * the tool and the reasoning. Which lines: with no step selected in the Replay
 * view, markerLines.ts (one branch, only lines whose current text is still
 * what the step wrote); while a step is selected (the playhead), the file's
 * writes replayed up to that step, its own lines marked as current
 * (playhead.ts). Applied with a short debounce on visible-editor and document
 * changes and whenever the store, the restored branch or the playhead
 * changes; visible editors only.
 */
import * as vscode from 'vscode';
import type { LineOwners } from '../../core/attribution/currentLines';
import type { RestoreTarget } from '../../core/restore/undoStack';
import type { SnapshotService } from '../services/snapshotService';
import type { StoreService } from '../services/storeService';
import type { WorkspacePaths } from '../services/workspacePaths';
import { relativeInWorkspace } from '../services/workspacePaths';
import { createGutterDecorationTypes, type GutterDecorationTypes } from './decorationTypes';
import { askingModelCall, hoverFactsFor } from './hoverFacts';
import { buildHoverMarkdown, lineNote, type HoverFacts } from './hoverMarkdown';
import { chooseBranch, markersNow, ownersFor, type BranchChoice } from './markerLines';
import { atPlayhead, factsAtPlayhead, playheadOf, type Playhead } from './playhead';

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
  nodeId: string;
  facts: HoverFacts;
}

export class GutterController implements vscode.Disposable {
  private readonly types: GutterDecorationTypes;
  private playhead: Playhead | null = null;
  private playheadNodeId: string | null = null;
  private readonly subs: vscode.Disposable[] = [];
  /** Lines as of the playhead, per playhead and file. */
  private readonly cache = new Map<string, Marker[]>();
  /** Ownership at the end of the chosen branch, per branch and file (matched to the editor's text on every pass). */
  private readonly owners = new Map<string, Promise<LineOwners>>();
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
    this.owners.clear();
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
    const playhead = this.playhead;
    const choice = playhead ? undefined : await this.choice();
    for (const ed of editors) {
      const rel = ed.document.uri.scheme === 'file' ? relativeInWorkspace(paths, ed.document.uri.fsPath) : undefined;
      const markers = !rel
        ? []
        : playhead
          ? atPlayhead(await this.markersAtPlayhead(rel, playhead), playhead)
          : choice
            ? (await this.markersOfBranch(rel, choice, ed.document.getText())).map((m) => ({ ...m, current: false }))
            : [];
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

  private async markersAtPlayhead(rel: string, playhead: Playhead): Promise<Marker[]> {
    // Keyed by the playhead too: a pass begun before the playhead moved must not fill the cache for the new one.
    const key = `${playhead.nodeId}\u0000${rel}`;
    const hit = this.cache.get(key);
    if (hit) return hit;
    const markers =
      (await this.store.query((s) =>
        // The file's writes replayed up to the playhead: each line's last writer then.
        factsAtPlayhead(s.attributionHistoryFor(rel), playhead)
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

  private async choice(): Promise<BranchChoice | undefined> {
    const restored = await this.sources.restored();
    return (await this.store.query((s) => chooseBranch(this.sources.branchSetting(), restored, s))) ?? undefined;
  }

  /** Markers for the editor's current text: ownership is cached per file and branch, matched to the text on every pass. */
  private async markersOfBranch(rel: string, choice: BranchChoice, text: string): Promise<Marker[]> {
    const key = `${choice.branchId}|${choice.beforeSeq ?? ''}|${rel}`;
    let owners = this.owners.get(key);
    if (!owners) {
      owners = this.ownersOf(rel, choice);
      this.owners.set(key, owners);
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
          return [{ startLine: m.startLine, endLine: m.endLine, nodeId: node.id, facts: hoverFactsFor(a, node, branch, parent) }];
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
