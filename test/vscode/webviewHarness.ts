/**
 * Serves the built Replay webview (dist/webview) under the same HTML and CSP
 * the extension uses, with a stand-in for VS Code's webview API that records
 * what the app posts. Drives it from a real Chromium via playwright-core.
 * The stand-in is labelled as such: it replaces only `acquireVsCodeApi`.
 *
 * With `host`, a static stand-in host (TEST FIXTURE) answers the protocol from
 * the given data, as the extension would: the bootstrap on `ready`, then
 * getRun, getNodeDetail, getChanges, getCompare and getMemory. With `theme`,
 * VS Code's theme variables (captured from the real workbench, see
 * test/fixtures/themes/) are set on the page, as VS Code sets them.
 */
import * as fs from 'node:fs';
import * as http from 'node:http';
import type { AddressInfo } from 'node:net';
import * as path from 'node:path';
import type { ChangesView, MemoryView, ReplayBootstrap } from '../../src/protocol/replay';
import { makeNonce } from '../../src/vscode/views/csp';
import { renderReplayHtml } from '../../src/vscode/views/replayHtml';

/** The repository root: from test/vscode here, from dist/ when bundled into the benchmark. */
function repoRoot(): string {
  for (let d = __dirname; ; d = path.dirname(d)) {
    if (fs.existsSync(path.join(d, 'package.json')) && fs.existsSync(path.join(d, 'webview'))) return d;
    if (path.dirname(d) === d) return path.resolve(__dirname, '../..');
  }
}
const root = repoRoot();
export const WEBVIEW_DIST = path.join(root, 'dist', 'webview');
export const THEMES_DIR = path.join(root, 'test', 'fixtures', 'themes');

// Stand-in for VS Code's injected API (the real one posts to the extension host).
const FAKE_API = `
window.__posted = [];
window.__state = undefined;
window.__listeners = [];
window.acquireVsCodeApi = () => ({
  postMessage: (m) => { const copy = JSON.parse(JSON.stringify(m)); window.__posted.push(copy); for (const l of window.__listeners) l(copy); },
  getState: () => window.__state,
  setState: (s) => { window.__state = s; },
});
window.__cspViolations = [];
document.addEventListener('securitypolicyviolation', (e) => window.__cspViolations.push(e.violatedDirective + ' ' + e.blockedURI));
`;

/** TEST FIXTURE: answers the webview's protocol from window.__hostData. */
const STATIC_HOST = `
(() => {
  const d = window.__hostData;
  const reply = (id, result) => setTimeout(() => window.postMessage({ kind: 'reply', id, ok: true, result }, '*'), 0);
  const nodes = new Map(((d.bootstrap.detail && d.bootstrap.detail.nodes) || []).map((n) => [n.id, n]));
  window.__listeners.push((m) => {
    if (m.kind === 'ready') setTimeout(() => window.postMessage({ kind: 'bootstrap', state: d.bootstrap }, '*'), 0);
    if (m.kind !== 'request') return;
    const r = m.request;
    switch (r.method) {
      case 'getRun': return reply(m.id, d.bootstrap.detail && d.bootstrap.detail.run.id === r.runId ? d.bootstrap.detail : null);
      case 'getNodeDetail': {
        const node = nodes.get(r.nodeId);
        return reply(m.id, node ? { node, spans: (d.spans && d.spans[r.nodeId]) || [], snapshot: null } : null);
      }
      case 'getChanges': return reply(m.id, (d.changes && d.changes[r.nodeId + ':' + r.mode]) || { mode: r.mode, left: 'before', right: 'after', files: [], more: 0, note: 'This step changed no file.' });
      case 'getCompare': return reply(m.id, d.compare || { mode: 'compare', left: 'a', right: 'b', files: [], more: 0, note: null });
      case 'getMemory': return reply(m.id, (d.memory && d.memory[r.nodeId]) || { atNodeId: null, previousNodeId: null, files: [] });
    }
  });
})();
`;

export interface HostData {
  bootstrap: ReplayBootstrap;
  spans?: Record<string, Array<{ spanId: string; parentSpanId: string | null; name: string; kind: string; status: 'ok' | 'error' | 'unset'; attributes: Record<string, unknown> }>>;
  /** Keyed `${nodeId}:${mode}`. */
  changes?: Record<string, ChangesView>;
  compare?: ChangesView;
  memory?: Record<string, MemoryView>;
}

export interface Harness {
  url: string;
  /** Sets what the static host answers (and the theme) for the next page load. */
  configure(opts: { host?: HostData; theme?: string }): void;
  close(): Promise<void>;
}

/** A theme's variables as VS Code sets them: `:root { --vscode-...: ... }` plus the body class. */
export function themeCss(name: string): { css: string; bodyClass: string } {
  const file = path.join(THEMES_DIR, `${name}.json`);
  const t = JSON.parse(fs.readFileSync(file, 'utf8')) as { vars: Record<string, string>; bodyClass: string };
  return { css: `:root{${Object.entries(t.vars).map(([k, v]) => `${k}:${v};`).join('')}}`, bodyClass: t.bodyClass };
}

export async function serveWebview(): Promise<Harness> {
  let host: HostData | undefined;
  let theme: string | undefined;
  const server = http.createServer((req, res) => {
    const origin = `http://${req.headers.host}`;
    const url = new URL(req.url ?? '/', origin);
    if (url.pathname === '/') {
      const nonce = makeNonce();
      const extra = [
        `<script nonce="${nonce}" src="${origin}/harness.js"></script>`,
        host ? `<script nonce="${nonce}" src="${origin}/host-data.js"></script><script nonce="${nonce}" src="${origin}/static-host.js"></script>` : '',
        theme ? `<link rel="stylesheet" nonce="${nonce}" href="${origin}/theme.css">` : '',
      ].join('\n');
      // The harness scripts go in first, with the page's nonce, like any script the CSP allows.
      let html = renderReplayHtml({ cspSource: origin, nonce, scriptUri: `${origin}/dist/main.js`, styleUri: `${origin}/dist/main.css`, codiconUri: `${origin}/dist/codicon.css` }).replace(
        '<script type="module"',
        `${extra}\n<script type="module"`,
      );
      if (theme) html = html.replace('<body>', `<body class="${themeCss(theme).bodyClass}">`);
      res.writeHead(200, { 'content-type': 'text/html; charset=utf-8' }).end(html);
    } else if (url.pathname === '/harness.js') {
      res.writeHead(200, { 'content-type': 'text/javascript' }).end(FAKE_API);
    } else if (url.pathname === '/host-data.js' && host) {
      res.writeHead(200, { 'content-type': 'text/javascript' }).end(`window.__hostData = ${JSON.stringify(host)};`);
    } else if (url.pathname === '/static-host.js') {
      res.writeHead(200, { 'content-type': 'text/javascript' }).end(STATIC_HOST);
    } else if (url.pathname === '/theme.css' && theme) {
      res.writeHead(200, { 'content-type': 'text/css' }).end(themeCss(theme).css);
    } else if (url.pathname.startsWith('/dist/')) {
      const file = path.join(WEBVIEW_DIST, path.basename(url.pathname));
      if (!fs.existsSync(file)) return void res.writeHead(404).end();
      const type = file.endsWith('.css') ? 'text/css' : file.endsWith('.ttf') ? 'font/ttf' : 'text/javascript';
      res.writeHead(200, { 'content-type': type }).end(fs.readFileSync(file));
    } else res.writeHead(404).end();
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}/`,
    configure(opts) {
      host = opts.host;
      theme = opts.theme;
    },
    close: () => new Promise((r) => server.close(() => r())),
  };
}
