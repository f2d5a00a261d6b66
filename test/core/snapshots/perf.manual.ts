/**
 * Manual speed check of the snapshot engine (not part of `npm test`; `npm run bench` is the real
 * benchmark). Builds a synthetic workspace of N files (~20 KB average, exponential sizes, N/20
 * dirs two levels deep), then takes 50 checkpoints with 10 changed files between each, for one
 * change source, and prints p50/p90/max.
 *   npx tsx test/core/snapshots/perf.manual.ts [files=10000] [auto|watcher|full-scan]
 */
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { SnapshotEngine, type ChangeSourceKind } from '../../../src/core/snapshots';
import { prng } from './helpers';

async function main(): Promise<void> {
  const n = Number(process.argv[2] ?? 10000);
  const source = (process.argv[3] ?? 'auto') as ChangeSourceKind;
  const dirsCount = Math.max(1, Math.round(n / 20));
  const ws = fs.mkdtempSync(path.join(os.tmpdir(), 'nc-perf-'));
  const r = prng(42);
  const dirs: string[] = [];
  for (let d = 0; d < dirsCount; d++) {
    const p = d < 20 ? `d${d}` : `${dirs[r.int(20)]}/d${d}`;
    dirs.push(p);
    fs.mkdirSync(path.join(ws, p), { recursive: true });
  }
  const files: string[] = [];
  for (let i = 0; i < n; i++) {
    const f = `${dirs[i % dirsCount]}/f${i}.txt`;
    files.push(f);
    const size = Math.min(2_000_000, Math.floor(-Math.log(1 - r.next() * 0.999) * 20000));
    const b = Buffer.allocUnsafe(size);
    for (let j = 0; j + 4 <= size; j += 4) b.writeUInt32LE((r.next() * 0xffffffff) >>> 0, j);
    fs.writeFileSync(path.join(ws, f), b);
  }
  const eng = await SnapshotEngine.open(path.join(ws, '.nemocognition', 'snapshots'), { changeSource: source, verifyEvery: 0 });
  let t = performance.now();
  const first = await eng.take(ws, { reason: 'first' });
  console.log(`first checkpoint: ${(performance.now() - t).toFixed(0)} ms for ${first.fileCount} files`);
  const times: number[] = [];
  const sources = new Map<string, number>();
  for (let k = 0; k < 50; k++) {
    for (let j = 0; j < 10; j++) fs.writeFileSync(path.join(ws, files[r.int(n)]!), `change ${k} ${j} ${r.next()}\n`.repeat(200));
    t = performance.now();
    const s = await eng.take(ws, { reason: `c${k}` });
    times.push(performance.now() - t);
    sources.set(s.changeSource, (sources.get(s.changeSource) ?? 0) + 1);
  }
  times.sort((a, b) => a - b);
  const q = (p: number): string => times[Math.min(times.length - 1, Math.floor(p * times.length))]!.toFixed(2);
  console.log(`${n} files, ${source}: p50 ${q(0.5)} ms, p90 ${q(0.9)} ms, max ${q(1)} ms; sources ${JSON.stringify(Object.fromEntries(sources))}; store ${(eng.sizeOnDisk() / 1e6).toFixed(1)} MB`);
  t = performance.now();
  const res = await eng.restore(first.id, ws);
  console.log(`restore of the first checkpoint: ${(performance.now() - t).toFixed(0)} ms (wrote ${res.written.length}, deleted ${res.deleted.length})`);
  eng.close();
  fs.rmSync(ws, { recursive: true, force: true });
}

void main();
