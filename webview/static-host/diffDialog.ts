/**
 * Diffs in a shared replay (where VS Code would open its diff editor): a
 * dialog listing the files that differ between two states (what a step
 * changed, or two steps compared) and the selected one's unified diff, from
 * the contents inlined in the page. Escape or the close button returns focus
 * to where it was. All text is text.
 */
import { lineEdits } from '../../src/core/attribution/lineDiff';
import type { SharedReplayData } from '../../src/core/share/format';
import { sideText, type DiffRequest, type SideText } from '../../src/core/share/reader';

const WHY: Record<Extract<SideText, { why: string }>['why'], string> = {
  'size-limit': 'Left out of this file to keep it small (see the note at the top).',
  'too-large': 'Too large to include in a shared replay.',
  'snapshot-missing': 'Its snapshot was no longer in the store when this file was exported.',
  binary: 'Binary file: not shown.',
  'no-snapshot': 'No snapshot was recorded for this side.',
};

const KIND_LETTER: Record<string, string> = { added: 'A', deleted: 'D', modified: 'M', 'type-changed': 'T' };

function el<K extends keyof HTMLElementTagNameMap>(tag: K, cls: string, text?: string): HTMLElementTagNameMap[K] {
  const e = document.createElement(tag);
  if (cls) e.className = cls;
  if (text !== undefined) e.textContent = text;
  return e;
}

function renderDiff(data: SharedReplayData, req: DiffRequest, path: string, into: HTMLElement): void {
  into.textContent = '';
  const left = sideText(data, req.leftSnapshot, path);
  const right = sideText(data, req.rightSnapshot, path);
  into.append(el('p', 'nc-diff-sides', `${req.view.left} ↔ ${req.view.right}`));
  for (const side of [left, right]) if ('why' in side) return void into.append(el('p', 'nc-diff-empty', WHY[side.why]));
  const before = 'text' in left ? left.text : '';
  const after = 'text' in right ? right.text : '';
  const pre = el('pre', 'nc-diff-lines');
  pre.setAttribute('aria-label', `Changes to ${path}`);
  for (const e of lineEdits(before, after)) {
    const line = el('div', e.op === '+' ? 'nc-add' : e.op === '-' ? 'nc-del' : 'nc-ctx');
    const num = e.op === '-' ? e.oldLine : e.newLine;
    line.append(el('span', 'nc-num', String(num).padStart(4)), el('span', 'nc-op', e.op === '=' ? ' ' : e.op), document.createTextNode(e.text));
    pre.append(line);
  }
  into.append(pre);
}

export function showDiff(data: SharedReplayData, req: DiffRequest, path?: string): void {
  document.querySelector('.nc-diff-backdrop')?.remove();
  const files = req.view.files;
  const back = document.activeElement as HTMLElement | null;
  const backdrop = el('div', 'nc-diff-backdrop');
  const dialog = el('div', 'nc-diff-dialog');
  dialog.setAttribute('role', 'dialog');
  dialog.setAttribute('aria-modal', 'true');
  dialog.setAttribute('aria-label', req.title);
  const head = el('div', 'nc-diff-head');
  head.append(el('h2', '', req.title));
  const close = el('button', 'nc-diff-close', 'Close');
  close.type = 'button';
  head.append(close);
  const list = el('div', 'nc-diff-files');
  list.setAttribute('role', 'tablist');
  list.setAttribute('aria-label', 'Files');
  const body = el('div', 'nc-diff-body');
  body.setAttribute('role', 'tabpanel');
  dialog.append(head, list, body);
  backdrop.append(dialog);
  const done = () => {
    backdrop.remove();
    back?.focus();
  };
  close.addEventListener('click', done);
  backdrop.addEventListener('click', (ev) => ev.target === backdrop && done());
  dialog.addEventListener('keydown', (ev) => {
    if (ev.key === 'Escape') {
      ev.stopPropagation();
      done();
    }
  });
  if (files.length === 0) body.append(el('p', 'nc-diff-empty', req.view.note ?? 'No file differs.'));
  if (req.view.more > 0) list.append(el('p', 'nc-diff-more', `and ${req.view.more} more`));
  const buttons = files.map((f) => {
    const b = el('button', 'nc-diff-file', `${KIND_LETTER[f.kind] ?? 'M'}  ${f.path}`);
    b.type = 'button';
    b.setAttribute('role', 'tab');
    b.addEventListener('click', () => select(f.path));
    list.insertBefore(b, list.querySelector('.nc-diff-more'));
    return b;
  });
  const select = (p: string) => {
    buttons.forEach((b, i) => b.setAttribute('aria-selected', String(files[i]!.path === p)));
    renderDiff(data, req, p, body);
  };
  const first = files.find((f) => f.path === path) ?? files[0];
  if (first) select(first.path);
  document.body.append(backdrop);
  close.focus();
}
