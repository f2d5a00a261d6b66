/**
 * "Open diff" in a shared replay: a dialog listing the files a step changed
 * and the selected one's unified diff, from the contents inlined in the page.
 * Escape or the close button returns focus to where it was.
 */
import { lineEdits } from '../../src/core/attribution/lineDiff';
import type { SharedReplayData, StepFile } from '../../src/core/share/data';

const OMITTED: Record<NonNullable<StepFile['omitted']>, string> = {
  'size-limit': 'Left out of this file to keep it small (see the note at the top).',
  'too-large': 'Too large to include in a shared replay.',
  'snapshot-missing': 'Its snapshot was no longer in the store when this file was exported.',
};

function el<K extends keyof HTMLElementTagNameMap>(tag: K, cls: string, text?: string): HTMLElementTagNameMap[K] {
  const e = document.createElement(tag);
  if (cls) e.className = cls;
  if (text !== undefined) e.textContent = text;
  return e;
}

/** The files a node changed: its own (a tool call), or those of the tool call a child node belongs to. */
function filesOf(data: SharedReplayData, nodeId: string): { files: StepFile[]; stepId: string } {
  if (data.stepFiles[nodeId]) return { files: data.stepFiles[nodeId]!, stepId: nodeId };
  const node = data.bootstrap.detail?.nodes.find((n) => n.id === nodeId);
  if (node?.parentNodeId && data.stepFiles[node.parentNodeId]) return { files: data.stepFiles[node.parentNodeId]!, stepId: node.parentNodeId };
  return { files: [], stepId: nodeId };
}

function renderDiff(data: SharedReplayData, f: StepFile, into: HTMLElement): void {
  into.textContent = '';
  if (f.omitted) return void into.append(el('p', 'nc-diff-empty', OMITTED[f.omitted]));
  if (f.binary) return void into.append(el('p', 'nc-diff-empty', 'Binary file: not shown.'));
  const before = f.before ? (data.blobs[f.before] ?? '') : '';
  const after = f.after ? (data.blobs[f.after] ?? '') : '';
  const pre = el('pre', 'nc-diff-lines');
  pre.setAttribute('aria-label', `Changes to ${f.path}`);
  for (const e of lineEdits(before, after)) {
    const line = el('div', e.op === '+' ? 'nc-add' : e.op === '-' ? 'nc-del' : 'nc-ctx');
    const num = e.op === '-' ? e.oldLine : e.newLine;
    line.append(el('span', 'nc-num', String(num).padStart(4)), el('span', 'nc-op', e.op === '=' ? ' ' : e.op), document.createTextNode(e.text));
    pre.append(line);
  }
  into.append(pre);
}

export function showDiff(data: SharedReplayData, nodeId: string, path?: string): void {
  document.querySelector('.nc-diff-dialog')?.remove();
  const { files, stepId } = filesOf(data, nodeId);
  const node = data.bootstrap.detail?.nodes.find((n) => n.id === stepId);
  const back = document.activeElement as HTMLElement | null;
  const dialog = el('div', 'nc-diff-dialog');
  dialog.setAttribute('role', 'dialog');
  dialog.setAttribute('aria-modal', 'true');
  dialog.setAttribute('aria-label', `Files changed by ${node?.name ?? 'this step'}`);
  const head = el('div', 'nc-diff-head');
  head.append(el('h2', '', node ? `Step #${node.seq + 1}: ${node.name}` : 'Files changed'));
  const close = el('button', 'nc-diff-close', 'Close');
  close.type = 'button';
  head.append(close);
  const list = el('div', 'nc-diff-files');
  list.setAttribute('role', 'tablist');
  const body = el('div', 'nc-diff-body');
  dialog.append(head, list, body);
  const done = () => {
    dialog.remove();
    back?.focus();
  };
  close.addEventListener('click', done);
  dialog.addEventListener('keydown', (ev) => {
    if (ev.key === 'Escape') {
      ev.stopPropagation();
      done();
    }
  });
  if (files.length === 0) body.append(el('p', 'nc-diff-empty', 'This step changed no file.'));
  const buttons = files.map((f) => {
    const b = el('button', 'nc-diff-file', `${f.change === 'added' ? 'A' : f.change === 'deleted' ? 'D' : 'M'}  ${f.path}`);
    b.type = 'button';
    b.setAttribute('role', 'tab');
    b.addEventListener('click', () => select(f));
    list.append(b);
    return b;
  });
  const select = (f: StepFile) => {
    buttons.forEach((b, i) => b.setAttribute('aria-selected', String(files[i] === f)));
    renderDiff(data, f, body);
  };
  const first = files.find((f) => f.path === path) ?? files[0];
  if (first) select(first);
  document.body.append(dialog);
  close.focus();
}
