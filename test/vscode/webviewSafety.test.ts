/**
 * The webview renders model and tool output: it must never do so as HTML.
 * Greps the webview sources (and the host's view code) for the ways HTML
 * gets in, and checks colours come only from VS Code's theme variables.
 */
import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';

const root = path.resolve(__dirname, '../..');

function walk(dir: string, re: RegExp, out: string[] = []): string[] {
  for (const e of fs.readdirSync(dir, { withFileTypes: true })) {
    const p = path.join(dir, e.name);
    if (e.isDirectory()) walk(p, re, out);
    else if (re.test(e.name)) out.push(p);
  }
  return out;
}

describe('webview safety', () => {
  const sources = [...walk(path.join(root, 'webview'), /\.(ts|tsx)$/), ...walk(path.join(root, 'src/vscode/views'), /\.ts$/)];

  it('has sources to check', () => assert.ok(sources.length >= 10));

  for (const [name, re] of [
    ['dangerouslySetInnerHTML', /dangerouslySetInnerHTML/],
    ['innerHTML / outerHTML', /\.(inner|outer)HTML\b/],
    ['insertAdjacentHTML', /insertAdjacentHTML/],
    ['document.write', /document\.write/],
    ['eval / new Function', /\beval\s*\(|new\s+Function\s*\(/],
    ['DOMParser / createContextualFragment', /DOMParser|createContextualFragment/],
  ] as const) {
    it(`never uses ${name}`, () => {
      const hits = sources.filter((f) => re.test(fs.readFileSync(f, 'utf8')));
      assert.deepEqual(hits.map((f) => path.relative(root, f)), []);
    });
  }

  // The Replay app's stylesheet (webview/src). The video's film page (webview/film) has its own fixed
  // palette, and the shared replay's static host (webview/static-host) is where VS Code's theme
  // variables are defined for use outside VS Code: both set colours by design.
  it('takes colours only from var(--vscode-*) in its stylesheet (its own --nc-* names are aliases of them)', () => {
    for (const file of walk(path.join(root, 'webview', 'src'), /\.css$/)) {
      const css = fs.readFileSync(file, 'utf8').replace(/\/\*[\s\S]*?\*\//g, '');
      assert.ok(!/#[0-9a-fA-F]{3,8}\b/.test(css), `${file}: hex colour`);
      assert.ok(!/\b(rgb|rgba|hsl|hsla)\s*\(/.test(css), `${file}: literal colour function`);
      const aliases = new Map([...css.matchAll(/(--nc-[\w-]+)\s*:\s*([^;]+);/g)].map((m) => [m[1]!, m[2]!]));
      for (const [name, value] of aliases) {
        for (const m of value.matchAll(/var\(\s*(--[\w-]+)/g)) assert.ok(m[1]!.startsWith('--vscode-'), `${file}: ${name} is defined from ${m[1]}`);
      }
      for (const m of css.matchAll(/var\(\s*(--[\w-]+)/g)) assert.ok(m[1]!.startsWith('--vscode-') || aliases.has(m[1]!), `${file}: ${m[1]}`);
    }
  });
});
