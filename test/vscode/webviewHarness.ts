/**
 * Serves the built Replay webview (dist/webview) under the same HTML and CSP
 * the extension uses, with a stand-in for VS Code's webview API that records
 * what the app posts. Drives it from a real Chromium via playwright-core.
 * The stand-in is labelled as such: it replaces only `acquireVsCodeApi`.
 */
import * as fs from 'node:fs';
import * as http from 'node:http';
import type { AddressInfo } from 'node:net';
import * as path from 'node:path';
import { makeNonce } from '../../src/vscode/views/csp';
import { renderReplayHtml } from '../../src/vscode/views/replayHtml';

const root = path.resolve(__dirname, '../..');
export const WEBVIEW_DIST = path.join(root, 'dist', 'webview');

// Stand-in for VS Code's injected API (the real one posts to the extension host).
const FAKE_API = `
window.__posted = [];
window.__state = undefined;
window.acquireVsCodeApi = () => ({
  postMessage: (m) => window.__posted.push(JSON.parse(JSON.stringify(m))),
  getState: () => window.__state,
  setState: (s) => { window.__state = s; },
});
window.__cspViolations = [];
document.addEventListener('securitypolicyviolation', (e) => window.__cspViolations.push(e.violatedDirective + ' ' + e.blockedURI));
`;

export interface Harness {
  url: string;
  close(): Promise<void>;
}

export async function serveWebview(): Promise<Harness> {
  const server = http.createServer((req, res) => {
    const origin = `http://${req.headers.host}`;
    const url = new URL(req.url ?? '/', origin);
    if (url.pathname === '/') {
      const nonce = makeNonce();
      // The harness script goes in first, with the page's nonce, like any script the CSP allows.
      const html = renderReplayHtml({ cspSource: origin, nonce, scriptUri: `${origin}/dist/main.js`, styleUri: `${origin}/dist/main.css` }).replace(
        '<script type="module"',
        `<script nonce="${nonce}" src="${origin}/harness.js"></script>\n<script type="module"`,
      );
      res.writeHead(200, { 'content-type': 'text/html; charset=utf-8' }).end(html);
    } else if (url.pathname === '/harness.js') {
      res.writeHead(200, { 'content-type': 'text/javascript' }).end(FAKE_API);
    } else if (url.pathname.startsWith('/dist/')) {
      const file = path.join(WEBVIEW_DIST, path.basename(url.pathname));
      if (!fs.existsSync(file)) return void res.writeHead(404).end();
      res.writeHead(200, { 'content-type': file.endsWith('.css') ? 'text/css' : 'text/javascript' }).end(fs.readFileSync(file));
    } else res.writeHead(404).end();
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  const { port } = server.address() as AddressInfo;
  return { url: `http://127.0.0.1:${port}/`, close: () => new Promise((r) => server.close(() => r())) };
}
