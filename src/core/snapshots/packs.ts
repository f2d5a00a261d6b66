import { createHash, randomBytes } from 'node:crypto';
import * as fs from 'node:fs';
import * as path from 'node:path';

/**
 * Pack files: many small objects in one file, so that a checkpoint's new objects cost one file,
 * one disk block rounding and one fdatasync instead of one of each per object.
 *
 * `objects/packs/<name>.pack`, immutable once renamed into place (written in `objects/tmp/` first):
 *
 *   "NCPACK01"                         8-byte magic
 *   record*                            each exactly what a loose object file holds (4-byte header + payload)
 *   index: (hash 32 | offset u64 | length u32) * count      44 bytes per record
 *   trailer: count u32 | 0 u32 | index offset u64 | sha256(index)[0..8] | "NCPKEND1"   (32 bytes)
 *
 * A pack whose trailer, size or index checksum does not add up (a crash while it was written,
 * before it was made durable) is not used, and removed by the next writer that opens the store.
 * Names sort by creation time, and a later pack's entry for a hash wins over an earlier one's
 * (that is how a damaged record is superseded by a re-stored copy).
 */

const MAGIC = Buffer.from('NCPACK01', 'latin1');
const END = Buffer.from('NCPKEND1', 'latin1');
const ENTRY = 44;
const TRAILER = 32;
export const PACK_SUFFIX = '.pack';

export interface PackRecord {
  hash: string;
  /** The object's bytes as stored (header + payload). */
  bytes: Buffer;
}

export interface PackFile {
  name: string;
  abs: string;
  size: number;
  count: number;
}

export interface PackLocation {
  pack: PackFile;
  offset: number;
  length: number;
}

/** A sortable, unique pack name: creation time first. */
export function newPackName(): string {
  return `${Date.now().toString(36).padStart(9, '0')}-${process.pid.toString(36)}-${randomBytes(5).toString('hex')}`;
}

/** Writes records as one pack into `tmpDir`, then renames it into `packDir`. Not synced (the caller batches that). */
export function writePack(packDir: string, tmpDir: string, records: readonly PackRecord[]): { pack: PackFile; offsets: number[] } {
  const index = Buffer.allocUnsafe(records.length * ENTRY);
  const offsets: number[] = [];
  let off = MAGIC.length;
  records.forEach((r, i) => {
    const at = i * ENTRY;
    index.write(r.hash, at, 32, 'hex');
    index.writeBigUInt64BE(BigInt(off), at + 32);
    index.writeUInt32BE(r.bytes.length, at + 40);
    offsets.push(off);
    off += r.bytes.length;
  });
  const trailer = Buffer.alloc(TRAILER);
  trailer.writeUInt32BE(records.length, 0);
  trailer.writeBigUInt64BE(BigInt(off), 8);
  createHash('sha256').update(index).digest().copy(trailer, 16, 0, 8);
  END.copy(trailer, 24);
  const name = newPackName();
  const tmp = path.join(tmpDir, `${process.pid}-${randomBytes(8).toString('hex')}${PACK_SUFFIX}`);
  const fd = fs.openSync(tmp, 'wx', 0o644);
  try {
    const parts = [MAGIC, ...records.map((r) => r.bytes), index, trailer];
    // writev takes a bounded number of buffers per call: write in slices.
    for (let i = 0; i < parts.length; i += 512) {
      const slice = parts.slice(i, i + 512);
      let want = slice.reduce((n, b) => n + b.length, 0);
      let done = fs.writevSync(fd, slice);
      if (done !== want) {
        // Short write (rare): finish buffer by buffer.
        const rest = Buffer.concat(slice).subarray(done);
        want = rest.length;
        done = 0;
        while (done < want) done += fs.writeSync(fd, rest, done, want - done);
      }
    }
  } catch (e) {
    fs.closeSync(fd);
    fs.rmSync(tmp, { force: true });
    throw e;
  }
  fs.closeSync(fd);
  const abs = path.join(packDir, `${name}${PACK_SUFFIX}`);
  fs.renameSync(tmp, abs);
  return { pack: { name, abs, size: off + index.length + TRAILER, count: records.length }, offsets };
}

/** Reads a pack's index; undefined when the pack is incomplete or damaged. */
export function readPackIndex(abs: string): { pack: PackFile; entries: Array<{ hash: string; offset: number; length: number }> } | undefined {
  let fd: number;
  try {
    fd = fs.openSync(abs, 'r');
  } catch {
    return undefined;
  }
  try {
    const size = fs.fstatSync(fd).size;
    if (size < MAGIC.length + TRAILER) return undefined;
    const trailer = Buffer.alloc(TRAILER);
    fs.readSync(fd, trailer, 0, TRAILER, size - TRAILER);
    if (!trailer.subarray(24).equals(END)) return undefined;
    const count = trailer.readUInt32BE(0);
    const indexAt = Number(trailer.readBigUInt64BE(8));
    if (indexAt + count * ENTRY + TRAILER !== size || indexAt < MAGIC.length) return undefined;
    const index = Buffer.alloc(count * ENTRY);
    if (count > 0) fs.readSync(fd, index, 0, index.length, indexAt);
    if (!createHash('sha256').update(index).digest().subarray(0, 8).equals(trailer.subarray(16, 24))) return undefined;
    const entries: Array<{ hash: string; offset: number; length: number }> = [];
    for (let i = 0; i < count; i++) {
      const at = i * ENTRY;
      const offset = Number(index.readBigUInt64BE(at + 32));
      const length = index.readUInt32BE(at + 40);
      if (offset < MAGIC.length || offset + length > indexAt) return undefined;
      entries.push({ hash: index.toString('hex', at, at + 32), offset, length });
    }
    const name = path.basename(abs, PACK_SUFFIX);
    return { pack: { name, abs, size, count }, entries };
  } catch {
    return undefined;
  } finally {
    fs.closeSync(fd);
  }
}

const MAX_OPEN = 128;

/** The in-memory index of every pack in `objects/packs/`, with a small cache of open descriptors. */
export class PackSet {
  readonly packs = new Map<string, PackFile>();
  private readonly index = new Map<string, PackLocation>();
  /** Records found damaged ("<pack>:<offset>"): never served again, even after a rescan. */
  private readonly bad = new Set<string>();
  private readonly fds = new Map<string, number>();
  private scannedMtime = -1;
  /** Packs whose trailer did not add up at the last scan (removed by `removeInvalid`). */
  readonly invalid = new Set<string>();

  constructor(readonly dir: string) {
    fs.mkdirSync(dir, { recursive: true });
  }

  get size(): number {
    return this.index.size;
  }

  /** Total bytes of all packs. */
  get bytes(): number {
    let n = 0;
    for (const p of this.packs.values()) n += p.size;
    return n;
  }

  /** Loads packs added since the last scan and forgets packs that are gone. */
  rescan(): void {
    let names: string[];
    try {
      names = fs.readdirSync(this.dir).filter((n) => n.endsWith(PACK_SUFFIX)).sort();
    } catch {
      names = [];
    }
    try {
      this.scannedMtime = fs.statSync(this.dir).mtimeMs;
    } catch {
      this.scannedMtime = -1;
    }
    const present = new Set(names.map((n) => n.slice(0, -PACK_SUFFIX.length)));
    let dropped = false;
    for (const name of [...this.packs.keys()]) {
      if (!present.has(name)) {
        this.forget(name);
        dropped = true;
      }
    }
    if (dropped) {
      // Entries of a dropped pack may have hidden an earlier copy: rebuild from what remains.
      this.index.clear();
      for (const name of [...this.packs.keys()].sort()) this.load(this.packs.get(name)!.abs, true);
    }
    for (const n of names) {
      const name = n.slice(0, -PACK_SUFFIX.length);
      if (!this.packs.has(name) && !this.invalid.has(name)) this.load(path.join(this.dir, n), false);
    }
  }

  /** Rescans only if the folder changed since the last scan (one stat). */
  rescanIfChanged(): boolean {
    let m = -1;
    try {
      m = fs.statSync(this.dir).mtimeMs;
    } catch {
      // gone
    }
    if (m === this.scannedMtime) return false;
    this.rescan();
    return true;
  }

  private load(abs: string, reload: boolean): void {
    const r = readPackIndex(abs);
    const name = path.basename(abs, PACK_SUFFIX);
    if (!r) {
      this.invalid.add(name);
      if (reload) this.forget(name);
      return;
    }
    this.packs.set(name, r.pack);
    for (const e of r.entries) {
      if (this.bad.has(`${name}:${e.offset}`)) continue;
      this.index.set(e.hash, { pack: r.pack, offset: e.offset, length: e.length });
    }
  }

  /** Adds a pack this process just wrote. */
  add(pack: PackFile, hashes: readonly string[], offsets: readonly number[], lengths: readonly number[]): void {
    this.packs.set(pack.name, pack);
    hashes.forEach((h, i) => this.index.set(h, { pack, offset: offsets[i]!, length: lengths[i]! }));
  }

  get(hash: string): PackLocation | undefined {
    return this.index.get(hash);
  }

  /** Never serve this record again (it failed verification). */
  markBad(loc: PackLocation, hash: string): void {
    this.bad.add(`${loc.pack.name}:${loc.offset}`);
    if (this.index.get(hash) === loc) this.index.delete(hash);
  }

  /** Reads a record; undefined if its pack vanished (another process collected it). */
  read(loc: PackLocation): Buffer | undefined {
    const fd = this.fd(loc.pack);
    if (fd === undefined) return undefined;
    const buf = Buffer.allocUnsafe(loc.length);
    let n = 0;
    while (n < loc.length) {
      const r = fs.readSync(fd, buf, n, loc.length - n, loc.offset + n);
      if (r === 0) break;
      n += r;
    }
    return n === loc.length ? buf : buf.subarray(0, n);
  }

  private fd(pack: PackFile): number | undefined {
    const hit = this.fds.get(pack.name);
    if (hit !== undefined) return hit;
    let fd: number;
    try {
      fd = fs.openSync(pack.abs, 'r');
    } catch (e) {
      if ((e as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
      throw e;
    }
    if (this.fds.size >= MAX_OPEN) this.closeFds();
    this.fds.set(pack.name, fd);
    return fd;
  }

  /** Every (hash, location) currently served. */
  entries(): IterableIterator<[string, PackLocation]> {
    return this.index.entries();
  }

  /** How many served records each pack holds. */
  liveCounts(): Map<string, number> {
    const out = new Map<string, number>();
    for (const loc of this.index.values()) out.set(loc.pack.name, (out.get(loc.pack.name) ?? 0) + 1);
    return out;
  }

  /** Deletes a pack file and its entries. */
  remove(name: string): void {
    const p = this.packs.get(name);
    this.forget(name);
    if (p) fs.rmSync(p.abs, { force: true });
  }

  private forget(name: string): void {
    const fd = this.fds.get(name);
    if (fd !== undefined) {
      fs.closeSync(fd);
      this.fds.delete(name);
    }
    this.packs.delete(name);
    for (const [h, loc] of this.index) if (loc.pack.name === name) this.index.delete(h);
  }

  /** Removes packs that failed their check (call only while holding the store lock). */
  removeInvalid(): number {
    let n = 0;
    for (const name of this.invalid) {
      fs.rmSync(path.join(this.dir, `${name}${PACK_SUFFIX}`), { force: true });
      n++;
    }
    this.invalid.clear();
    return n;
  }

  closeFds(): void {
    for (const fd of this.fds.values()) fs.closeSync(fd);
    this.fds.clear();
  }
}
