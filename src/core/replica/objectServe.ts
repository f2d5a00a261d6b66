/**
 * The serving side of replica/objectFetch.ts: reads requested object paths
 * (`ab/cdef…`, one a line) and writes each object as `<path> <size>\n` plus a
 * self-contained object (`NC<kind>z` + zlib of its content), or `<path> -\n`
 * when this store does not have it. Objects are read through ObjectStore, so
 * packs and deltas are resolved here and verified by hash on the way.
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import { createInterface } from 'node:readline';
import { deflateSync } from 'node:zlib';
import { DEFAULT_OBJECT_OPTIONS, ObjectStore } from '../snapshots/objects';

const PATH = /^([0-9a-f]{2})\/([0-9a-f]{62})$/;

export async function serveObjects(snapshotsDir: string, input: NodeJS.ReadableStream, output: NodeJS.WritableStream): Promise<void> {
  if (!fs.existsSync(path.join(snapshotsDir, 'objects'))) throw Object.assign(new Error(`No snapshot store at ${snapshotsDir}.`), { fix: 'Check the run\'s workspace on this host.' });
  const objects = new ObjectStore(fs.realpathSync(snapshotsDir), { ...DEFAULT_OBJECT_OPTIONS, fsync: false });
  const write = (b: Buffer | string): Promise<void> =>
    new Promise((res, rej) => {
      if (output.write(b)) res();
      else output.once('drain', res);
      output.once('error', rej);
    });
  for await (const line of createInterface({ input, crlfDelay: Infinity })) {
    const m = PATH.exec(line.trim());
    if (!m) continue;
    const hash = m[1]! + m[2]!;
    const kind = objects.has(hash) ? objects.kindOf(hash) : undefined;
    let body: Buffer | undefined;
    if (kind) {
      try {
        body = Buffer.concat([Buffer.from(`NC${kind}z`, 'latin1'), deflateSync(objects.read(hash, kind))]);
      } catch {
        body = undefined; // damaged here: answered as missing, another source may have it
      }
    }
    if (body) {
      await write(`${line.trim()} ${body.length}\n`);
      await write(body);
    } else await write(`${line.trim()} -\n`);
  }
}
