/**
 * The Replay webview's HTML shell (pure). The app itself is the bundled
 * preact module; this page only links it by nonce under the strict CSP.
 */
import { buildCsp } from './csp';

export interface ReplayHtmlParts {
  cspSource: string;
  nonce: string;
  scriptUri: string;
  styleUri: string;
  /** codicon.css (the font the @vscode-elements icons and the DAG glyphs use); the link id is the one vscode-icon looks for. */
  codiconUri?: string;
}

function attr(s: string): string {
  return s.replace(/&/g, '&amp;').replace(/"/g, '&quot;').replace(/</g, '&lt;').replace(/>/g, '&gt;');
}

export function renderReplayHtml(p: ReplayHtmlParts): string {
  const nonce = attr(p.nonce);
  return `<!DOCTYPE html>
<html lang="en">
<head>
<meta charset="UTF-8">
<meta http-equiv="Content-Security-Policy" content="${attr(buildCsp(p.cspSource, p.nonce))}">
<meta name="viewport" content="width=device-width, initial-scale=1.0">
${p.codiconUri ? `<link rel="stylesheet" nonce="${nonce}" id="vscode-codicon-stylesheet" href="${attr(p.codiconUri)}">\n` : ''}<link rel="stylesheet" nonce="${nonce}" href="${attr(p.styleUri)}">
<title>NemoCognition Replay</title>
</head>
<body>
<div id="root"><p class="nc-loading">Loading NemoCognition replay…</p></div>
<script type="module" nonce="${nonce}" src="${attr(p.scriptUri)}"></script>
</body>
</html>`;
}
