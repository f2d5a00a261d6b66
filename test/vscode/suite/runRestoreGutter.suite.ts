/**
 * The editor side against the real `vscode` API and the real core: the
 * RunController runs the offline demo (real OpenClaw, real kernel sandbox,
 * the scripted demo model: a denial, then a recovery), the RestoreService
 * brings the recovered branch into the workspace and undoes it, the
 * GutterController marks the lines the agent wrote. The workspace is the demo
 * project the outer test opened; settings (demo preset, runtime folder) come
 * from the outer test's user settings.
 */
import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import * as vscode from 'vscode';
import type { Node } from '../../../src/core/model/types';
import type { RunSummary } from '../../../src/core/run/api';
import type { ActiveRunView } from '../../../src/protocol/replay';
import { RestoreService, type RestorePrompts } from '../../../src/vscode/restore/restoreService';
import { nemoCognition, waitFor, workspaceRoot } from './api';

const TASK = 'Add a greeting module and record the install in /etc/nemocog-demo';

/** Answers every restore question with its action, as a user clicking the primary button would. */
const accept: RestorePrompts = { confirm: async (_message, _detail, action) => action };
const decline: RestorePrompts = { confirm: async () => undefined };

function read(ws: string, rel: string): string | null {
  const p = path.join(ws, rel);
  return fs.existsSync(p) ? fs.readFileSync(p, 'utf8') : null;
}

describe('RunController, RestoreService and GutterController on a real demo run', function () {
  this.timeout(300_000);
  let ws: string;
  let summary: RunSummary | undefined;
  let before0: Record<string, string | null>;
  const nodes: Node[] = [];
  const active: Array<ActiveRunView | null> = [];
  let services: Awaited<ReturnType<typeof nemoCognition>>['services'];

  before(async function () {
    services = (await nemoCognition()).services;
    ws = workspaceRoot();
    assert.equal(services.settings().modelPreset, 'demo', 'the outer test selects the offline demo model');
    before0 = Object.fromEntries(['README.md', 'src/index.ts', 'src/greeting.ts', 'notes/nemocog-demo.txt'].map((f) => [f, read(ws, f)]));
    const subs = [services.runs.onNode((n) => nodes.push(n)), services.runs.onDidChangeActive((v) => active.push(v))];
    try {
      summary = await services.runs.start(TASK);
    } finally {
      subs.forEach((d) => d.dispose());
    }
  });

  it('RunController runs the agent: a failed branch holding the kernel denial, then a completed recovery', () => {
    assert.ok(summary, 'start() resolved to a summary (no problem was shown instead)');
    assert.equal(summary.run.status, 'completed');
    const failed = summary.branches.filter((b) => b.status === 'failed');
    const completed = summary.branches.filter((b) => b.status === 'completed');
    assert.equal(failed.length, 1, 'one failed branch kept as evidence');
    assert.equal(completed.length, 1, 'one completed recovery');
    assert.equal(summary.denials, 1);
    assert.equal(summary.recoveries, 1);
    assert.equal(summary.resultBranchId, completed[0]!.id);
    assert.ok(summary.toolCalls > 0 && summary.snapshots >= summary.toolCalls, `a snapshot per tool call (${summary.snapshots} for ${summary.toolCalls})`);
  });

  it('RunController streams the run live: nodes as they are recorded, an active run that ends', () => {
    assert.ok(nodes.length > 0, 'node events while the run was live');
    assert.ok(nodes.some((n) => n.kind === 'policy_decision'), 'the denial arrived live');
    assert.ok(active.some((v) => v !== null), 'the run was announced as active');
    assert.equal(active.at(-1), null, 'and as ended');
    assert.equal(services.runs.current, undefined);
  });

  it('the store service lists the run with both branches', async () => {
    const runs = await services.store.query((s) => s.listRuns());
    assert.ok(runs?.some((r) => r.id === summary!.run.id), 'the recorded run is listed');
    const branches = await services.store.query((s) => s.branchesOf(summary!.run.id));
    assert.equal(branches?.length, 2);
  });

  it('the workspace is untouched until the user restores', () => {
    for (const [f, content] of Object.entries(before0)) assert.equal(read(ws, f), content, `${f} unchanged by the run`);
  });

  it('RestoreService writes nothing when the user declines', async () => {
    const restore = new RestoreService(services.context.workspaceState, services.store, services.runs, services.snapshots, services.output, decline);
    assert.equal(await restore.restoreBranch(summary!.resultBranchId!), undefined);
    for (const [f, content] of Object.entries(before0)) assert.equal(read(ws, f), content, `${f} unchanged`);
  });

  it('RestoreService brings the recovered branch in; GutterController marks the lines its step wrote; Undo puts everything back', async () => {
    const restore = new RestoreService(services.context.workspaceState, services.store, services.runs, services.snapshots, services.output, accept);
    const result = await restore.restoreBranch(summary!.resultBranchId!);
    assert.ok(result, 'the restore ran');
    assert.ok(result.written.includes('src/greeting.ts'), `greeting.ts written (wrote ${result.written.join(', ')})`);
    const greeting = read(ws, 'src/greeting.ts');
    assert.ok(greeting && greeting.length > 0, 'src/greeting.ts is on disk');
    assert.notEqual(read(ws, 'README.md'), before0['README.md'], 'README.md has the agent’s change');
    assert.equal(read(ws, 'src/index.ts'), before0['src/index.ts'], 'a file the agent did not change is as it was');

    // The gutter: open the file the agent wrote; its lines carry markers from the step that wrote them.
    const uri = vscode.Uri.file(path.join(ws, 'src/greeting.ts'));
    const attributed = (await services.store.query((s) => s.attributionFor('src/greeting.ts'))) ?? [];
    assert.ok(attributed.length > 0, 'the store attributes greeting.ts lines to a step');
    const editor = await vscode.window.showTextDocument(uri);
    const ranges = await waitFor('gutter markers on src/greeting.ts', () => {
      const r = services.gutter.drawnFor(uri);
      return r.length > 0 ? r : undefined;
    });
    for (const r of ranges) assert.ok(r.end.line < editor.document.lineCount, `marker ${r.start.line}-${r.end.line} inside the document`);
    const firstAttributed = Math.min(...attributed.map((a) => a.startLine)) - 1;
    assert.ok(ranges.some((r) => r.start.line <= firstAttributed && firstAttributed <= r.end.line), 'a marker covers the first attributed line');
    await vscode.commands.executeCommand('workbench.action.closeAllEditors');

    const undone = await restore.undo();
    assert.ok(undone, 'undo ran');
    for (const [f, content] of Object.entries(before0)) assert.equal(read(ws, f), content, `${f} is back as it was before the restore`);
    assert.equal(await restore.undo(), undefined, 'nothing left to undo');
  });

  it('RunController.cancel stops a live run and seals it as cancelled; the workspace stays as it was', async () => {
    const started = new Promise<void>((resolve) => {
      const sub = services.runs.onNode(() => {
        sub.dispose();
        resolve();
      });
    });
    const running = services.runs.start(TASK);
    await started;
    assert.equal(services.runs.cancel(), true, 'a live run can be cancelled');
    const s = await running;
    assert.ok(s, 'the cancelled run still returns its summary');
    assert.equal(s.run.status, 'cancelled');
    assert.ok(s.branches.every((b) => b.status !== 'open'), 'no branch is left open');
    for (const [f, content] of Object.entries(before0)) assert.equal(read(ws, f), content, `${f} unchanged`);
  });
});
