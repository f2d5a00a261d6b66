/** The shared page's own chrome around the app: a banner saying what this file is, and toasts. */
import type { SharedReplayData } from '../../src/core/share/format';

function el<K extends keyof HTMLElementTagNameMap>(tag: K, cls: string, text?: string): HTMLElementTagNameMap[K] {
  const e = document.createElement(tag);
  e.className = cls;
  if (text !== undefined) e.textContent = text;
  return e;
}

export function showBanner(data: SharedReplayData | null): void {
  const banner = el('header', 'nc-share-banner');
  banner.setAttribute('role', 'banner');
  if (!data) {
    banner.append(el('strong', '', 'This replay file is damaged: its data could not be read.'));
  } else {
    const run = data.bootstrap.runs[0];
    banner.append(el('strong', '', 'NemoCognition shared replay'), el('span', 'nc-share-meta', ` · run ${run?.id ?? '?'} · exported ${data.exportedAt.slice(0, 16).replace('T', ' ')} UTC · read-only, works offline`));
    if (data.note) banner.append(el('p', 'nc-share-note', data.note));
  }
  document.body.insertBefore(banner, document.body.firstChild);
}

let toastTimer: ReturnType<typeof setTimeout> | undefined;

export function toast(text: string): void {
  let t = document.querySelector<HTMLElement>('.nc-share-toast');
  if (!t) {
    t = el('div', 'nc-share-toast');
    t.setAttribute('role', 'status');
    document.body.append(t);
  }
  t.textContent = text;
  t.hidden = false;
  clearTimeout(toastTimer);
  toastTimer = setTimeout(() => (t!.hidden = true), 5000);
}
