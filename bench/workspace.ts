/**
 * Deterministic synthetic workspaces: a realistic directory tree (paths 2 to 6
 * segments deep, about 20 files a folder) holding many small source files, some
 * medium ones, some binaries and a few large files up to ~1 MB, about 20 KB on
 * average. Every file is written to several roots at once so that NemoCognition
 * and the shadow git repository start from byte-identical copies.
 */
import { chmodSync, mkdirSync, unlinkSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { Prng } from './prng';

export type FileKind = 'small-text' | 'medium-text' | 'binary' | 'large';

export interface WorkspaceFile {
  path: string; // root-relative, '/'-separated
  kind: FileKind;
}

export interface GeneratedWorkspace {
  files: WorkspaceFile[];
  /** Root-relative folders that hold files (where edits create new ones). */
  dirs: string[];
  totalBytes: number;
  byKind: Record<FileKind, { count: number; bytes: number }>;
  maxDepth: number;
}

const TOP_DIRS = ['src', 'lib', 'packages', 'test', 'docs', 'assets', 'tools', 'internal', 'examples', 'config'];
const SYLLABLES = ['core', 'util', 'view', 'model', 'io', 'net', 'auth', 'cache', 'store', 'api', 'ui', 'data', 'parse', 'render', 'sync', 'task', 'log', 'http', 'db', 'cli', 'web', 'file', 'user', 'query', 'graph', 'event', 'state', 'form', 'route', 'theme'];
const TEXT_EXT = ['ts', 'ts', 'ts', 'tsx', 'js', 'py', 'go', 'rs', 'java', 'c', 'h', 'md', 'json', 'css', 'yaml', 'sh'];
const BIN_EXT = ['png', 'jpg', 'woff2', 'zip', 'wasm', 'bin', 'pdf'];
const BINARY_EXT = /\.(png|jpg|woff2|zip|wasm|bin|pdf)$/;
const LARGE_TEXT_EXT = ['json', 'csv', 'log', 'sql', 'js'];

/**
 * Source-looking lines, reused in random runs: text compresses (about 3-5x with
 * zlib) the way real code does, so git's compressed objects are not disadvantaged.
 */
export class TextPool {
  private readonly pool: string;
  private readonly starts: number[];

  constructor(rng: Prng, lines = 6000) {
    const kw = ['const', 'let', 'return', 'if', 'for', 'await', 'function', 'export', 'import', 'class', 'new', 'throw', 'yield', 'else'];
    const out: string[] = [];
    for (let i = 0; i < lines; i++) {
      const indent = '  '.repeat(rng.int(0, 4));
      const n = rng.int(2, 9);
      const toks: string[] = [];
      for (let j = 0; j < n; j++) {
        const r = rng.next();
        if (r < 0.25) toks.push(rng.pick(kw));
        else if (r < 0.85) toks.push(ident(rng));
        else if (r < 0.95) toks.push(String(rng.int(0, 100000)));
        else toks.push(`'${ident(rng)}'`);
      }
      const tail = rng.pick([';', ' {', '}', ');', ',', '', ' =>']);
      out.push(`${indent}${toks.join(rng.pick([' ', '.', ', ', ' = ', '(']))}${tail}\n`);
    }
    this.pool = out.join('');
    this.starts = [];
    let off = 0;
    for (const l of out) {
      this.starts.push(off);
      off += l.length;
    }
    this.starts.push(off);
  }

  /** About `size` bytes of text, built from random runs of pool lines. */
  text(rng: Prng, size: number, header: string): string {
    const parts = [header];
    let len = header.length;
    const lines = this.starts.length - 1;
    while (len < size) {
      const a = rng.int(0, lines - 1);
      const b = Math.min(lines, a + rng.int(4, 48));
      const chunk = this.pool.slice(this.starts[a], this.starts[b]);
      parts.push(chunk);
      len += chunk.length;
    }
    return parts.join('').slice(0, Math.max(size, header.length));
  }

  line(rng: Prng): string {
    const a = rng.int(0, this.starts.length - 2);
    return this.pool.slice(this.starts[a], this.starts[a + 1]);
  }
}

function ident(rng: Prng): string {
  const a = rng.pick(SYLLABLES);
  const b = rng.pick(SYLLABLES);
  return rng.next() < 0.5 ? `${a}${b[0]!.toUpperCase()}${b.slice(1)}` : `${a}_${b}`;
}

/** File sizes: a log-uniform draw per class; the class mix gives a ~20 KB mean. */
function drawKind(rng: Prng): { kind: FileKind; size: number } {
  const r = rng.next();
  if (r < 0.71) return { kind: 'small-text', size: rng.logInt(200, 12_000) };
  if (r < 0.905) return { kind: 'medium-text', size: rng.logInt(12_000, 100_000) };
  if (r < 0.985) return { kind: 'binary', size: rng.logInt(2_000, 200_000) };
  return { kind: 'large', size: rng.logInt(200_000, 1_000_000) };
}

/** Folders: a random recursive tree, ~20 files each, files at depth 2..6 (folder depth 1..5). */
function buildDirs(rng: Prng, count: number): string[] {
  const dirs: string[] = [];
  const children = new Map<string, Set<string>>();
  const addChild = (parent: string, name: string): string | null => {
    const set = children.get(parent) ?? new Set<string>();
    children.set(parent, set);
    if (set.has(name)) return null;
    set.add(name);
    const p = parent === '' ? name : `${parent}/${name}`;
    dirs.push(p);
    return p;
  };
  for (const top of TOP_DIRS.slice(0, Math.max(1, Math.min(TOP_DIRS.length, Math.ceil(count / 10))))) addChild('', top);
  let guard = 0;
  while (dirs.length < count && guard++ < count * 50) {
    const parent = rng.pick(dirs);
    if (parent.split('/').length >= 5) continue;
    addChild(parent, rng.next() < 0.7 ? rng.pick(SYLLABLES) : `${rng.pick(SYLLABLES)}${rng.int(1, 99)}`);
  }
  return dirs;
}

function fileName(rng: Prng, kind: FileKind, size: number, taken: Set<string>): string {
  let ext: string;
  if (kind === 'binary') ext = rng.pick(BIN_EXT);
  else if (kind === 'large') ext = size % 2 === 0 ? rng.pick(LARGE_TEXT_EXT) : rng.pick(BIN_EXT);
  else ext = rng.pick(TEXT_EXT);
  for (;;) {
    const base = rng.next() < 0.6 ? ident(rng) : `${rng.pick(SYLLABLES)}${rng.int(0, 999)}`;
    const name = `${base}.${ext}`;
    if (!taken.has(name)) {
      taken.add(name);
      return name;
    }
  }
}

export interface FileContent {
  data: Buffer;
  executable: boolean;
}

/** The content of one generated file (also used for files created by edits). */
export function makeContent(rng: Prng, pool: TextPool, path: string, kind: FileKind, size: number): FileContent {
  const binary = kind === 'binary' || (kind === 'large' && BINARY_EXT.test(path));
  if (binary) return { data: rng.fill(Buffer.alloc(size)), executable: false };
  const header = path.endsWith('.sh') ? `#!/bin/sh\n# ${path}\n` : `// ${path}\n`;
  return { data: Buffer.from(pool.text(rng, size, header), 'utf8'), executable: path.endsWith('.sh') };
}

export function writeToAll(roots: readonly string[], path: string, content: FileContent): void {
  for (const root of roots) {
    const abs = join(root, path);
    writeFileSync(abs, content.data);
    if (content.executable) chmodSync(abs, 0o755);
  }
}

/** Generates `count` files into every root (which must exist and be empty). */
export function generateWorkspace(roots: readonly string[], count: number, seed: number): GeneratedWorkspace {
  const rng = new Prng(seed);
  const pool = new TextPool(new Prng(seed ^ 0x5eed));
  const dirs = buildDirs(rng, Math.max(1, Math.round(count / 20)));
  for (const root of roots) for (const d of dirs) mkdirSync(join(root, d), { recursive: true });
  const names = new Map<string, Set<string>>();
  const files: WorkspaceFile[] = [];
  const byKind: GeneratedWorkspace['byKind'] = {
    'small-text': { count: 0, bytes: 0 },
    'medium-text': { count: 0, bytes: 0 },
    binary: { count: 0, bytes: 0 },
    large: { count: 0, bytes: 0 },
  };
  let totalBytes = 0;
  let maxDepth = 0;
  for (let i = 0; i < count; i++) {
    const dir = rng.pick(dirs);
    const { kind, size } = drawKind(rng);
    const taken = names.get(dir) ?? new Set<string>();
    names.set(dir, taken);
    const path = `${dir}/${fileName(rng, kind, size, taken)}`;
    const content = makeContent(rng, pool, path, kind, size);
    writeToAll(roots, path, content);
    files.push({ path, kind });
    byKind[kind].count++;
    byKind[kind].bytes += content.data.length;
    totalBytes += content.data.length;
    maxDepth = Math.max(maxDepth, path.split('/').length);
  }
  return { files, dirs, totalBytes, byKind, maxDepth };
}

export type Edit =
  | { op: 'modify'; path: string; data: Buffer }
  | { op: 'create'; path: string; data: Buffer }
  | { op: 'delete'; path: string };

export interface EditMix {
  modify: number;
  create: number;
  delete: number;
}

export const DEFAULT_MIX: EditMix = { modify: 7, create: 2, delete: 1 };

/**
 * The edits between two checkpoints, drawn from a seeded stream and computed
 * once (new bytes included) so that every copy receives exactly the same change.
 */
export class EditStream {
  private readonly rng: Prng;
  private readonly pool: TextPool;
  private readonly live: WorkspaceFile[];
  private round = 0;

  constructor(
    private readonly ws: GeneratedWorkspace,
    seed: number,
    private readonly readCurrent: (path: string) => Buffer,
    private readonly mix: EditMix = DEFAULT_MIX,
  ) {
    this.rng = new Prng(seed ^ 0xed17);
    this.pool = new TextPool(new Prng(seed ^ 0x5eed));
    this.live = ws.files.slice();
  }

  /** After a restore: the files that exist now (root-relative), replacing the stream's own record. */
  resync(paths: readonly string[]): void {
    this.live.length = 0;
    for (const path of paths) this.live.push({ path, kind: BINARY_EXT.test(path) ? 'binary' : 'small-text' });
  }

  /** The next round of edits; `mix` overrides the stream's default for this round. */
  next(mix: EditMix = this.mix): Edit[] {
    const round = this.round++;
    const edits: Edit[] = [];
    const touched = new Set<string>();
    const pickLive = (): WorkspaceFile => {
      for (;;) {
        const f = this.rng.pick(this.live);
        if (!touched.has(f.path)) {
          touched.add(f.path);
          return f;
        }
      }
    };
    for (let i = 0; i < mix.modify; i++) {
      const f = pickLive();
      edits.push({ op: 'modify', path: f.path, data: this.modified(f, this.readCurrent(f.path)) });
    }
    for (let i = 0; i < mix.create; i++) {
      const dir = this.rng.pick(this.ws.dirs);
      const path = `${dir}/nc_bench_new_${round}_${i}.ts`;
      const size = this.rng.logInt(200, 12_000);
      edits.push({ op: 'create', path, data: makeContent(this.rng, this.pool, path, 'small-text', size).data });
      this.live.push({ path, kind: 'small-text' });
      touched.add(path);
    }
    for (let i = 0; i < mix.delete; i++) {
      const f = pickLive();
      edits.push({ op: 'delete', path: f.path });
      const at = this.live.indexOf(f);
      this.live[at] = this.live[this.live.length - 1]!;
      this.live.pop();
    }
    return edits;
  }

  /** An insertion at a random offset: content and size both change, as an edit by a tool does. */
  private modified(f: WorkspaceFile, old: Buffer): Buffer {
    const at = this.rng.int(0, old.length);
    const insert =
      f.kind === 'binary' || BINARY_EXT.test(f.path)
        ? this.rng.fill(Buffer.alloc(this.rng.int(16, 512)))
        : Buffer.from(this.pool.line(this.rng) + this.pool.line(this.rng), 'utf8');
    return Buffer.concat([old.subarray(0, at), insert, old.subarray(at)]);
  }
}

export function applyEdits(root: string, edits: readonly Edit[]): void {
  for (const e of edits) {
    const abs = join(root, e.path);
    if (e.op === 'delete') unlinkSync(abs);
    else writeFileSync(abs, e.data);
  }
}
