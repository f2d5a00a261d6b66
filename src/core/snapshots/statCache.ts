import { createHash, randomBytes } from 'node:crypto';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { newDir, type DirNode, type FileNode, type LiveNode } from './liveTree';
import { isSafeName } from './tree';

/**
 * The stat cache of a root persisted between processes (`<storeDir>/state/<hash of root>.json`),
 * so the first checkpoint after a restart re-reads only files whose stat changed instead of the
 * whole workspace. Only entries whose objects were stored are saved. Trusted only for the same
 * root inode and, unless re-checked against the object store, the same GC generation.
 */

type SavedFile = [t: 'f' | 'l', mode: number, size: number, mtimeMs: number, ctimeMs: number, ino: number, hash: string, racy: 0 | 1];
type SavedDir = ['d', ino: number, hash: string | null, fileCount: number, children: [string, SavedNode][]];
type SavedNode = SavedFile | SavedDir;

interface SavedState {
  v: 1;
  rootAbs: string;
  gen: number;
  root: SavedDir;
}

export function stateFile(storeDir: string, rootAbs: string): string {
  return path.join(storeDir, 'state', `${createHash('sha256').update(rootAbs).digest('hex').slice(0, 24)}.json`);
}

function saveNode(n: LiveNode): SavedNode | undefined {
  if (n.type !== 'dir') {
    if (!n.stored) return undefined;
    return [n.type === 'file' ? 'f' : 'l', n.mode, n.size, n.mtimeMs, n.ctimeMs, n.ino, n.hash, n.racy ? 1 : 0];
  }
  const kids: [string, SavedNode][] = [];
  let complete = true;
  for (const [name, c] of n.children) {
    const s = saveNode(c);
    if (s) kids.push([name, s]);
    else complete = false;
  }
  return ['d', n.ino, n.clean && complete ? n.hash : null, n.fileCount, kids];
}

export function saveState(file: string, rootAbs: string, root: DirNode, gen: number): void {
  const state: SavedState = { v: 1, rootAbs, gen, root: saveNode(root) as SavedDir };
  fs.mkdirSync(path.dirname(file), { recursive: true });
  const tmp = `${file}.tmp-${randomBytes(4).toString('hex')}`;
  fs.writeFileSync(tmp, JSON.stringify(state));
  fs.renameSync(tmp, file);
}

function loadNode(s: SavedNode): LiveNode {
  if (s[0] === 'd') {
    const d = newDir(s[1]);
    d.hash = s[2];
    d.clean = s[2] !== null;
    d.fileCount = s[3];
    for (const [name, c] of s[4]) {
      if (!isSafeName(name)) throw new Error('unsafe name');
      d.children.set(name, loadNode(c));
    }
    return d;
  }
  const f: FileNode = {
    type: s[0] === 'f' ? 'file' : 'symlink', mode: s[1], size: s[2], mtimeMs: s[3], ctimeMs: s[4], ino: s[5],
    hash: s[6], stored: true, racy: s[7] === 1,
  };
  if (!/^[0-9a-f]{64}$/.test(f.hash)) throw new Error('bad hash');
  return f;
}

/** The saved tree for this root, or undefined when absent, unreadable or for another folder. */
export function loadState(file: string, rootAbs: string, rootIno: number): { root: DirNode; gen: number } | undefined {
  try {
    const s = JSON.parse(fs.readFileSync(file, 'utf8')) as SavedState;
    if (s.v !== 1 || s.rootAbs !== rootAbs || s.root[1] !== rootIno) return undefined;
    return { root: loadNode(s.root) as DirNode, gen: s.gen };
  } catch {
    return undefined; // a damaged cache only costs a full re-read
  }
}
