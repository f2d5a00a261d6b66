import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { SnapshotEngine, type SnapshotRecord } from '../../../src/core/snapshots';
import { assertSameTree, prng, randomContent, referenceCopy, rmrf, tmpDir } from './helpers';

/**
 * Randomised edit sequences checked against reference copies: after every step both a watcher
 * engine and a full-scan engine take a checkpoint; their root hashes must be equal (the watcher
 * saw exactly what a full walk sees), and every checkpoint must materialise byte-identical to the
 * fs.cp copy made at that step (content, permission bits, symlink targets, empty dirs).
 */

function listAll(ws: string): { files: string[]; dirs: string[]; links: string[] } {
  const files: string[] = [];
  const dirs: string[] = [];
  const links: string[] = [];
  const walk = (rel: string): void => {
    for (const name of fs.readdirSync(path.join(ws, rel))) {
      if (rel === '' && (name === '.nemocognition' || name === '.git')) continue;
      const r = rel === '' ? name : `${rel}/${name}`;
      const st = fs.lstatSync(path.join(ws, r));
      if (st.isSymbolicLink()) links.push(r);
      else if (st.isDirectory()) {
        dirs.push(r);
        walk(r);
      } else files.push(r);
    }
  };
  walk('');
  return { files, dirs, links };
}

function randomEdit(ws: string, r: ReturnType<typeof prng>, counter: { n: number }): string {
  const { files, dirs, links } = listAll(ws);
  const dirChoices = ['', ...dirs];
  const newName = (): string => {
    const d = r.pick(dirChoices);
    const n = `${r.pick(['f', 'g', 'data', 'x y', 'é'])}${counter.n++}${r.pick(['.txt', '.bin', '', '.sh'])}`;
    return d === '' ? n : `${d}/${n}`;
  };
  const abs = (rel: string): string => path.join(ws, rel);
  const op = r.int(14);
  switch (op) {
    case 0:
    case 1: {
      const p = newName();
      fs.writeFileSync(abs(p), randomContent(r));
      return `create ${p}`;
    }
    case 2:
    case 3: {
      if (files.length === 0) return 'noop';
      const p = r.pick(files);
      const old = fs.readFileSync(abs(p));
      if (old.length > 0 && r.int(2) === 0) {
        // Same size, different bytes, immediately: only a sound stat cache notices.
        const b = Buffer.from(old);
        b[r.int(b.length)] ^= 0xff;
        fs.writeFileSync(abs(p), b);
        return `flip-byte ${p}`;
      }
      fs.writeFileSync(abs(p), randomContent(r));
      return `modify ${p}`;
    }
    case 4: {
      if (files.length === 0) return 'noop';
      const p = r.pick(files);
      fs.rmSync(abs(p));
      return `delete ${p}`;
    }
    case 5: {
      if (files.length === 0) return 'noop';
      const p = r.pick(files);
      const q = newName();
      fs.renameSync(abs(p), abs(q));
      return `rename ${p} -> ${q}`;
    }
    case 6: {
      if (files.length === 0) return 'noop';
      const p = r.pick(files);
      const mode = fs.statSync(abs(p)).mode & 0o777;
      fs.chmodSync(abs(p), mode & 0o111 ? mode & ~0o111 : mode | 0o111);
      return `chmod ${p}`;
    }
    case 7: {
      const d = r.pick(dirChoices);
      const p = `${d === '' ? '' : `${d}/`}dir${counter.n++}${r.int(2) ? `/sub${counter.n++}` : ''}`;
      fs.mkdirSync(abs(p), { recursive: true });
      if (r.int(2)) fs.writeFileSync(abs(`${p}/inner.txt`), randomContent(r));
      return `mkdir ${p}`;
    }
    case 8: {
      const p = newName();
      const target = r.pick([...files.map((f) => path.relative(path.dirname(abs(p)), abs(f))), '/tmp/outside-nowhere', 'dangling', '../../up']);
      fs.symlinkSync(target, abs(p));
      return `symlink ${p} -> ${target}`;
    }
    case 9: {
      if (links.length === 0) return 'noop';
      const p = r.pick(links);
      fs.rmSync(abs(p));
      fs.symlinkSync(`retargeted-${counter.n++}`, abs(p));
      return `retarget ${p}`;
    }
    case 10: {
      if (dirs.length === 0) return 'noop';
      const p = r.pick(dirs);
      const q = newName();
      if (q.startsWith(`${p}/`)) return 'noop';
      fs.renameSync(abs(p), abs(q));
      return `rename-dir ${p} -> ${q}`;
    }
    case 11: {
      if (dirs.length === 0 || r.int(3) > 0) return 'noop';
      const p = r.pick(dirs);
      fs.rmSync(abs(p), { recursive: true });
      return `rm-dir ${p}`;
    }
    case 12: {
      // type change: file -> dir with content, or dir -> file
      if (files.length > 0 && r.int(2) === 0) {
        const p = r.pick(files);
        fs.rmSync(abs(p));
        fs.mkdirSync(abs(p));
        fs.writeFileSync(abs(`${p}/was-a-file`), randomContent(r));
        return `file->dir ${p}`;
      }
      if (dirs.length === 0) return 'noop';
      const p = r.pick(dirs);
      fs.rmSync(abs(p), { recursive: true });
      fs.writeFileSync(abs(p), randomContent(r));
      return `dir->file ${p}`;
    }
    default: {
      const p = newName();
      fs.writeFileSync(abs(p), '');
      return `empty ${p}`;
    }
  }
}

describe('snapshots: randomised edit sequences', function () {
  this.timeout(120_000);
  const cleanup: string[] = [];
  after(() => cleanup.forEach(rmrf));

  for (const seed of [1, 2, 3]) {
    it(`seed ${seed}: watcher and full-scan checkpoints match each other and materialise byte-identical`, async () => {
      const base = tmpDir(`rand${seed}`);
      cleanup.push(base);
      const ws = path.join(base, 'ws');
      fs.mkdirSync(ws);
      fs.mkdirSync(path.join(ws, '.git'));
      fs.writeFileSync(path.join(ws, '.git', 'HEAD'), 'ref: refs/heads/main\n');
      const watched = await SnapshotEngine.open(path.join(base, 'store-w'), { changeSource: 'watcher', verifyEvery: 0 });
      const scanned = await SnapshotEngine.open(path.join(base, 'store-f'), { changeSource: 'full-scan' });
      const r = prng(seed);
      const counter = { n: 0 };
      const steps: { w: SnapshotRecord; f: SnapshotRecord; ref: string; log: string[] }[] = [];
      try {
        for (let step = 0; step < 30; step++) {
          const log: string[] = [];
          const ops = 1 + r.int(4);
          for (let i = 0; i < ops; i++) log.push(randomEdit(ws, r, counter));
          const w = await watched.take(ws, { reason: `step ${step}` });
          const f = await scanned.take(ws, { reason: `step ${step}` });
          const ref = path.join(base, `ref-${step}`);
          referenceCopy(ws, ref);
          if (step > 0) {
            assert.equal(w.changeSource, 'watcher', `step ${step} fell back: ${w.note}`);
            assert.equal(w.note, undefined);
          }
          assert.equal(w.root, f.root, `step ${step}: the watcher's tree differs from a full walk after\n${log.join('\n')}`);
          steps.push({ w, f, ref, log });
        }
        for (const [i, s] of steps.entries()) {
          const outW = path.join(base, `out-w-${i}`);
          const outF = path.join(base, `out-f-${i}`);
          await watched.materialise(s.w.id, outW);
          await scanned.materialise(s.f.id, outF);
          assertSameTree(outW, s.ref, `watcher checkpoint ${i} after ${s.log.join('; ')}`);
          assertSameTree(outF, s.ref, `full-scan checkpoint ${i} after ${s.log.join('; ')}`);
          assert.ok(!fs.existsSync(path.join(outW, '.git')), '.git is never part of a snapshot');
        }
        // diff between consecutive checkpoints agrees with changedCount
        for (let i = 1; i < steps.length; i++) {
          assert.equal(watched.diff(steps[i - 1]!.w.id, steps[i]!.w.id).length, steps[i]!.w.changedCount);
        }
      } finally {
        watched.close();
        scanned.close();
      }
    });
  }
});
