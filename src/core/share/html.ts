/**
 * The one-file replay: the Replay webview's own bundle and styles, a static
 * host that answers the app's protocol from inlined data, and the data, in
 * one HTML page. The page may load nothing (CSP default-src 'none'); scripts
 * and styles run by a fresh nonce; the data is a JSON block whose text can
 * never close its element.
 */
import { randomBytes } from 'node:crypto';
import { existsSync, readFileSync } from 'node:fs';
import { dirname, extname, join } from 'node:path';
import { distFile } from '../video/distFiles';
import type { SharedReplayData } from './data';

export const SHARE_DATA_ELEMENT_ID = 'nc-replay-data';

export interface ShareBundle {
  appJs: string;
  appCss: string;
  /** codicon.css with its font inlined (the app's glyphs and buttons draw codicons). */
  codiconCss?: string;
  hostJs: string;
  hostCss: string;
}

const FONT_TYPES: Record<string, string> = { '.ttf': 'font/ttf', '.woff2': 'font/woff2', '.woff': 'font/woff', '.svg': 'image/svg+xml', '.png': 'image/png' };

/** Reads the built bundles (dist/webview), inlining what the CSS refers to as data: URLs. */
export function loadShareBundle(): ShareBundle {
  const appJsPath = distFile('webview/main.js');
  const dir = dirname(appJsPath);
  const inlineUrls = (css: string) =>
    css.replace(/url\((['"]?)([^)'"]+)\1\)/g, (whole, _q: string, ref: string) => {
      if (/^(data:|#)/.test(ref)) return whole;
      const file = join(dir, ref.split(/[?#]/)[0]!);
      const type = FONT_TYPES[extname(file).toLowerCase()];
      return type && existsSync(file) ? `url("data:${type};base64,${readFileSync(file).toString('base64')}")` : 'none';
    });
  return {
    appJs: readFileSync(appJsPath, 'utf8'),
    appCss: inlineUrls(readFileSync(join(dir, 'main.css'), 'utf8')),
    ...(existsSync(join(dir, 'codicon.css')) ? { codiconCss: inlineUrls(readFileSync(join(dir, 'codicon.css'), 'utf8')) } : {}),
    hostJs: readFileSync(join(dir, 'static-host.js'), 'utf8'),
    hostCss: readFileSync(join(dir, 'static-host.css'), 'utf8'),
  };
}

function escapeHtml(s: string): string {
  return s.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;');
}

/** JSON that is safe inside a <script type="application/json">: no `<` at all, so no `</script>`. */
export function jsonForHtml(value: unknown): string {
  return JSON.stringify(value).replace(/</g, '\\u003c').replace(/>/g, '\\u003e').replace(/&/g, '\\u0026').replace(/\u2028/g, '\\u2028').replace(/\u2029/g, '\\u2029');
}

/** Script or style text that cannot end its element early (and without the development build's inline source maps). */
function inlineText(text: string, tag: 'script' | 'style'): string {
  const stripped = text.replace(/\/[*/]# sourceMappingURL=data:[^\s*]*( \*\/)?/g, '');
  return stripped.replace(new RegExp(`</${tag}`, 'gi'), `<\\/${tag}`);
}

export function renderShareHtml(data: SharedReplayData, bundle: ShareBundle, nonce = randomBytes(16).toString('base64url')): string {
  const run = data.bootstrap.runs[0];
  const title = `NemoCognition replay: ${run ? run.task.slice(0, 120) : 'run'}`;
  const csp = [`default-src 'none'`, `script-src 'nonce-${nonce}'`, `style-src 'nonce-${nonce}'`, `img-src data:`, `font-src data:`, `base-uri 'none'`, `form-action 'none'`].join('; ');
  return `<!DOCTYPE html>
<html lang="en" class="nc-shared-dark">
<head>
<meta charset="UTF-8">
<meta http-equiv="Content-Security-Policy" content="${escapeHtml(csp)}">
<meta name="referrer" content="no-referrer">
<meta name="viewport" content="width=device-width, initial-scale=1.0">
<meta name="generator" content="${escapeHtml(data.generator)}">
<title>${escapeHtml(title)}</title>
<style nonce="${nonce}">${inlineText(bundle.hostCss, 'style')}</style>
${bundle.codiconCss ? `<style nonce="${nonce}">${inlineText(bundle.codiconCss, 'style')}</style>\n` : ''}<style nonce="${nonce}">${inlineText(bundle.appCss, 'style')}</style>
</head>
<body class="vscode-dark nc-shared">
<div id="root"><p class="nc-loading">Loading the NemoCognition replay…</p></div>
<script type="application/json" id="${SHARE_DATA_ELEMENT_ID}">${jsonForHtml(data)}</script>
<script nonce="${nonce}">${inlineText(bundle.hostJs, 'script')}</script>
<script type="module" nonce="${nonce}">${inlineText(bundle.appJs, 'script')}</script>
</body>
</html>
`;
}
