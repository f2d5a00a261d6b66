/**
 * The core must run in plain Node and the CLI: nothing reachable from
 * src/core may import `vscode`. Walks the import graph from every file under
 * src/core (following relative imports wherever they lead).
 */
import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';

const root = path.resolve(__dirname, '../..');
const IMPORT_RE = /(?:^|[^\w.])(?:import|export)\s[^'"`;]*?from\s*['"]([^'"]+)['"]|(?:^|[^\w.])import\s*\(\s*['"]([^'"]+)['"]\s*\)|(?:^|[^\w.])require\s*\(\s*['"]([^'"]+)['"]\s*\)|(?:^|[^\w.])import\s+['"]([^'"]+)['"]/gm;

export function importsOf(src: string): string[] {
  const noComments = src.replace(/\/\*[\s\S]*?\*\//g, '').replace(/(^|[^:])\/\/.*$/gm, '$1');
  return [...noComments.matchAll(IMPORT_RE)].map((m) => m[1] ?? m[2] ?? m[3] ?? m[4]!);
}

function resolveRelative(from: string, spec: string): string | undefined {
  const base = path.resolve(path.dirname(from), spec);
  for (const cand of [base, `${base}.ts`, `${base}.tsx`, `${base}.mts`, path.join(base, 'index.ts')]) {
    if (fs.existsSync(cand) && fs.statSync(cand).isFile()) return cand;
  }
  return undefined;
}

function walk(dir: string, out: string[] = []): string[] {
  if (!fs.existsSync(dir)) return out;
  for (const e of fs.readdirSync(dir, { withFileTypes: true })) {
    const p = path.join(dir, e.name);
    if (e.isDirectory()) walk(p, out);
    else if (/\.(ts|tsx|mts|cts|js|mjs|cjs)$/.test(e.name)) out.push(p);
  }
  return out;
}

/** Every file reachable from `entries` through relative imports, with the chain that reached it. */
export function findVscodeImports(entries: string[]): string[] {
  const offenders: string[] = [];
  const seen = new Set<string>();
  const stack = entries.map((f) => ({ file: f, chain: [path.relative(root, f)] }));
  while (stack.length) {
    const { file, chain } = stack.pop()!;
    if (seen.has(file)) continue;
    seen.add(file);
    for (const spec of importsOf(fs.readFileSync(file, 'utf8'))) {
      if (spec === 'vscode' || spec.startsWith('vscode/')) offenders.push(chain.join(' -> '));
      else if (spec.startsWith('.')) {
        const next = resolveRelative(file, spec);
        if (next) stack.push({ file: next, chain: [...chain, path.relative(root, next)] });
      }
    }
  }
  return offenders;
}

describe('src/core imports nothing from vscode', () => {
  it('finds the patterns it looks for (self-check)', () => {
    assert.deepEqual(importsOf(`import * as vscode from 'vscode';`), ['vscode']);
    assert.deepEqual(importsOf(`import type { Uri } from "vscode"`), ['vscode']);
    assert.deepEqual(importsOf(`const v = require('vscode')`), ['vscode']);
    assert.deepEqual(importsOf(`const v = await import('vscode')`), ['vscode']);
    assert.deepEqual(importsOf(`export { x } from './x'`), ['./x']);
    assert.deepEqual(importsOf(`// import x from 'vscode'`), []);
    assert.deepEqual(importsOf(`import {\n  a,\n  b,\n} from '../model/types';`), ['../model/types']);
  });

  it('no file reachable from src/core imports vscode', () => {
    const files = walk(path.join(root, 'src/core'));
    assert.ok(files.length > 0, 'src/core has files');
    const offenders = findVscodeImports(files);
    assert.deepEqual(offenders, [], `core reaches vscode through:\n${offenders.join('\n')}`);
  });

  it('the protocol shared with the webview imports nothing from vscode either', () => {
    assert.deepEqual(findVscodeImports(walk(path.join(root, 'src/protocol'))), []);
  });

  it('detects a vscode import reached through a relative import (the walk works)', () => {
    const offenders = findVscodeImports([path.join(root, 'src/extension.ts')]);
    assert.ok(offenders.length > 0);
  });
});
