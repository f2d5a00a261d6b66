import * as assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import type { SnapshotEngine } from '../../../src/core/snapshots';

/** Test helpers for the snapshot engine: temp dirs, a seeded PRNG, byte-exact tree comparison. */

export function tmpDir(tag: string): string {
  return fs.mkdtempSync(path.join(os.tmpdir(), `nc-snap-${tag}-`));
}

export function rmrf(p: string): void {
  fs.rmSync(p, { recursive: true, force: true });
}

/** mulberry32: small, seedable, good enough for choosing edits. */
export function prng(seed: number): { next(): number; int(n: number): number; pick<T>(xs: readonly T[]): T } {
  let a = seed >>> 0;
  const next = (): number => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
  return { next, int: (n) => Math.floor(next() * n), pick: (xs) => xs[Math.floor(next() * xs.length)]! };
}

const SKIP = new Set(['.nemocognition', '.git']);

/** A reference copy of a workspace (fs.cp, symlinks verbatim), without the store and .git. */
export function referenceCopy(src: string, dest: string): void {
  fs.cpSync(src, dest, {
    recursive: true,
    verbatimSymlinks: true,
    filter: (p) => !SKIP.has(path.basename(p)) || p === src,
  });
}

export interface Shape {
  [rel: string]: string; // "file:<mode>:<sha>" | "link:<target>" | "dir"
}

/** A precise description of a tree: types, permission bits, content, symlink targets, empty dirs. */
export function shapeOf(root: string, skip: ReadonlySet<string> = SKIP): Shape {
  const out: Shape = {};
  const walk = (abs: string, rel: string): void => {
    for (const name of fs.readdirSync(abs).sort()) {
      if (rel === '' && skip.has(name)) continue;
      const a = path.join(abs, name);
      const r = rel === '' ? name : `${rel}/${name}`;
      const st = fs.lstatSync(a);
      if (st.isSymbolicLink()) out[r] = `link:${fs.readlinkSync(a)}`;
      else if (st.isDirectory()) {
        out[r] = 'dir';
        walk(a, r);
      } else if (st.isFile()) out[r] = `file:${(st.mode & 0o777).toString(8)}:${fs.readFileSync(a).toString('base64')}`;
    }
  };
  walk(root, '');
  return out;
}

export function assertSameTree(actual: string, expected: string, msg: string, skip: ReadonlySet<string> = SKIP): void {
  const a = shapeOf(actual, skip);
  const e = shapeOf(expected, skip);
  const keys = new Set([...Object.keys(a), ...Object.keys(e)]);
  const diffs: string[] = [];
  for (const k of [...keys].sort()) {
    if (a[k] !== e[k]) diffs.push(`${k}: got ${String(a[k]).slice(0, 40)} want ${String(e[k]).slice(0, 40)}`);
  }
  assert.deepEqual(diffs, [], `${msg}\n${diffs.slice(0, 10).join('\n')}`);
}

/** Random binary or text content (sometimes empty). */
export function randomContent(r: ReturnType<typeof prng>): Buffer {
  const kind = r.int(5);
  if (kind === 0) return Buffer.alloc(0);
  if (kind === 1) {
    const b = Buffer.alloc(1 + r.int(9000));
    for (let i = 0; i < b.length; i++) b[i] = r.int(256);
    return b;
  }
  return Buffer.from(`line ${r.next()}\n`.repeat(1 + r.int(400)));
}

/**
 * Damages a stored object where it lives: a loose file is emptied (`empty`) or overwritten
 * (`garbage`); a record in a pack is overwritten in place with zeros or garbage of the same length.
 */
export function damageObject(eng: SnapshotEngine, hash: string, how: 'empty' | 'garbage'): void {
  const loc = eng.objects.locate(hash);
  if (!loc || loc.where === 'pending') throw new Error(`object ${hash} is not on disk`);
  if (loc.where === 'loose') {
    if (how === 'empty') fs.truncateSync(loc.file, 0);
    else fs.writeFileSync(loc.file, 'garbage');
    return;
  }
  const fd = fs.openSync(loc.file, 'r+');
  try {
    const bytes = how === 'empty' ? Buffer.alloc(loc.length) : Buffer.from('garbage'.repeat(Math.ceil(loc.length / 7))).subarray(0, loc.length);
    fs.writeSync(fd, bytes, 0, bytes.length, loc.offset);
  } finally {
    fs.closeSync(fd);
  }
}

/** A fixture script (fixtures/<name>.ts) run in its own Node process, its output collected as it comes. */
export interface FixtureChild {
  out(): string;
  err(): string;
  /** Resolves once stdout contains `marker`; fails if the child exits first or after `timeoutMs`. */
  waitFor(marker: string, timeoutMs: number): Promise<void>;
  kill(): Promise<void>;
  /** Resolves when the child has exited and its output is all read. */
  exited: Promise<void>;
}

export function spawnFixture(name: string, args: string[]): FixtureChild {
  const proc = spawn(process.execPath, ['--import', 'tsx', path.join(__dirname, 'fixtures', `${name}.ts`), ...args], {
    cwd: path.resolve(__dirname, '../../..'),
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let out = '';
  let err = '';
  proc.stdout.on('data', (d: Buffer) => (out += d.toString()));
  proc.stderr.on('data', (d: Buffer) => (err += d.toString()));
  const exited = new Promise<void>((res) => proc.on('exit', () => res()));
  const closed = new Promise<void>((res) => proc.on('close', () => res()));
  return {
    out: () => out,
    err: () => err,
    async waitFor(marker, timeoutMs) {
      const t0 = Date.now();
      while (!out.includes(marker) && Date.now() - t0 < timeoutMs) {
        if (proc.exitCode !== null) assert.fail(`${name} exited early: ${err}`);
        await new Promise((res) => setTimeout(res, 2));
      }
      assert.ok(out.includes(marker), `${name} never printed "${marker.trim()}": ${err}`);
    },
    async kill() {
      proc.kill('SIGKILL');
      await exited;
    },
    exited: closed,
  };
}
