import assert from 'node:assert/strict';
import { buildCsp, makeNonce } from '../../src/vscode/views/csp';
import { renderReplayHtml } from '../../src/vscode/views/replayHtml';

const SOURCE = 'https://*.vscode-cdn.net';

describe('replay webview CSP', () => {
  it('allows scripts only by nonce and never unsafe-inline/unsafe-eval', () => {
    const nonce = makeNonce();
    const csp = buildCsp(SOURCE, nonce);
    const directives = Object.fromEntries(csp.split(';').map((d) => d.trim().split(/\s+/)).map(([k, ...v]) => [k!, v]));
    assert.deepEqual(directives['default-src'], ["'none'"]);
    assert.deepEqual(directives['script-src'], [`'nonce-${nonce}'`]);
    assert.deepEqual(directives['style-src'], [SOURCE, `'nonce-${nonce}'`]);
    assert.deepEqual(directives['img-src'], [SOURCE, 'data:']);
    assert.deepEqual(directives['font-src'], [SOURCE]);
    assert.ok(!csp.includes('unsafe-inline'));
    assert.ok(!csp.includes('unsafe-eval'));
  });

  it('makes a fresh, long nonce each time', () => {
    const seen = new Set(Array.from({ length: 100 }, () => makeNonce()));
    assert.equal(seen.size, 100);
    for (const n of seen) assert.match(n, /^[\w-]{22,}$/);
  });

  it('refuses a weak nonce or a cspSource that would inject directives', () => {
    assert.throws(() => buildCsp(SOURCE, 'abc'));
    assert.throws(() => buildCsp("x; script-src 'unsafe-inline'", makeNonce()));
    assert.throws(() => buildCsp("'self' 'unsafe-inline'", makeNonce()));
    assert.throws(() => buildCsp("'self'\nscript-src *", makeNonce()));
  });

  it("accepts code-server's cspSource, which starts with 'self'", () => {
    const csp = buildCsp("'self' https://*.vscode-cdn.net", makeNonce());
    assert.match(csp, /style-src 'self' https:\/\/\*\.vscode-cdn\.net 'nonce-/);
    assert.ok(!csp.includes('unsafe'));
  });

  it('renders a page whose only script and stylesheet carry the nonce', () => {
    const nonce = makeNonce();
    const html = renderReplayHtml({ cspSource: SOURCE, nonce, scriptUri: 'https://x/main.js', styleUri: 'https://x/main.css' });
    const scripts = html.match(/<script\b[^>]*>/g) ?? [];
    assert.equal(scripts.length, 1);
    assert.ok(scripts[0]!.includes(`nonce="${nonce}"`));
    assert.ok(scripts[0]!.includes('src="https://x/main.js"'));
    assert.match(html, new RegExp(`<link rel="stylesheet" nonce="${nonce}" href="https://x/main.css">`));
    assert.ok(!/<style\b/.test(html), 'no inline <style>');
    assert.ok(!/\son\w+=/.test(html), 'no inline event handlers');
    assert.ok(html.includes(`script-src 'nonce-${nonce}'`));
  });

  it('escapes resource URIs into attributes', () => {
    const html = renderReplayHtml({ cspSource: SOURCE, nonce: makeNonce(), scriptUri: 'https://x/"><script>alert(1)</script>', styleUri: 'https://x/a.css' });
    assert.equal((html.match(/<script\b/g) ?? []).length, 1);
  });
});
