import { createHash, randomBytes } from 'node:crypto';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { deflateSync, inflateSync } from 'node:zlib';
import { hashTreeBytes } from './tree';

/**
 * Content-addressed object store under `<storeDir>/objects/`.
 *
 * File layout: `objects/<2 hex>/<62 hex>`; a file is a 4-byte header `N C <kind> <codec>`
 * (kind `b` blob / `t` tree, codec `0` raw / `z` zlib) followed by the payload.
 * Blobs are named by sha256 of their raw bytes; trees by sha256("nc-tree\0" + bytes).
 *
 * Every write goes to `objects/tmp/` first and is renamed into place, so a crash never leaves a
 * partial object under its final name. Every read re-hashes: a truncated or emptied object (a
 * power loss without fsync, a disk error) is moved to `quarantine/` and reported, never used.
 */

export type ObjectKind = 'b' | 't';

export class CorruptObjectError extends Error {
  constructor(public readonly hash: string, why: string, public readonly quarantinedAt?: string) {
    super(
      `Snapshot object ${hash.slice(0, 12)} is damaged (${why})` +
        (quarantinedAt ? ` and was moved aside to ${quarantinedAt}` : '') +
        '. Snapshots that contain this content cannot be restored until it is re-stored: take a new snapshot while the file is present, or run the store check ("fsck") to repair from the live workspace.',
    );
    this.name = 'CorruptObjectError';
  }
}

export interface ObjectStoreOptions {
  /** Blobs at least this large are zlib-compressed (level 1) when that saves space. */
  compressAbove: number;
  /** Files larger than this are streamed in chunks (never read whole into memory) and stored raw. */
  streamAbove: number;
  /** fsync each new object before renaming it into place (durable across power loss, slower). */
  fsync: boolean;
}

export const DEFAULT_OBJECT_OPTIONS: ObjectStoreOptions = {
  compressAbove: 4096,
  streamAbove: 8 * 1024 * 1024,
  fsync: false,
};

const HEADER_LEN = 4;
const CHUNK = 1024 * 1024;
const READ_FLAGS = fs.constants.O_RDONLY | (fs.constants.O_NOFOLLOW ?? 0) | (fs.constants.O_NONBLOCK ?? 0);

function header(kind: ObjectKind, codec: '0' | 'z'): Buffer {
  return Buffer.from(`NC${kind}${codec}`, 'latin1');
}

export interface PutResult {
  hash: string;
  size: number;
  /** Bytes of the object file written (0 when it already existed). */
  written: number;
}

export class ObjectStore {
  readonly objectsDir: string;
  readonly tmpDir: string;
  readonly quarantineDir: string;
  private readonly knownFanout = new Set<string>();

  constructor(readonly storeDir: string, readonly options: ObjectStoreOptions = DEFAULT_OBJECT_OPTIONS) {
    this.objectsDir = path.join(storeDir, 'objects');
    this.tmpDir = path.join(this.objectsDir, 'tmp');
    this.quarantineDir = path.join(storeDir, 'quarantine');
    fs.mkdirSync(this.tmpDir, { recursive: true });
  }

  pathOf(hash: string): string {
    return path.join(this.objectsDir, hash.slice(0, 2), hash.slice(2));
  }

  has(hash: string): boolean {
    try {
      return fs.lstatSync(this.pathOf(hash)).size > HEADER_LEN - 1;
    } catch {
      return false;
    }
  }

  /** Removes temp files left by a crashed writer. Call only while holding the store lock. */
  cleanTemp(): number {
    let n = 0;
    for (const name of fs.readdirSync(this.tmpDir)) {
      fs.rmSync(path.join(this.tmpDir, name), { force: true });
      n++;
    }
    return n;
  }

  private tmpPath(): string {
    return path.join(this.tmpDir, `${process.pid}-${randomBytes(8).toString('hex')}`);
  }

  private install(tmp: string, hash: string): void {
    const fan = hash.slice(0, 2);
    if (!this.knownFanout.has(fan)) {
      fs.mkdirSync(path.join(this.objectsDir, fan), { recursive: true });
      this.knownFanout.add(fan);
    }
    fs.renameSync(tmp, this.pathOf(hash));
  }

  private writeWhole(hash: string, parts: Buffer[]): number {
    const tmp = this.tmpPath();
    const fd = fs.openSync(tmp, 'wx', 0o644);
    let n = 0;
    try {
      for (const p of parts) {
        fs.writeSync(fd, p);
        n += p.length;
      }
      if (this.options.fsync) fs.fsyncSync(fd);
    } finally {
      fs.closeSync(fd);
    }
    this.install(tmp, hash);
    return n;
  }

  /**
   * True if a sound copy of `hash` is stored. A damaged copy is quarantined and reported as absent,
   * so the caller re-writes it from the bytes it holds (this is how a bad object heals).
   */
  private hasSound(hash: string, kind: ObjectKind): boolean {
    if (!fs.existsSync(this.pathOf(hash))) return false;
    try {
      this.read(hash, kind);
      return true;
    } catch (e) {
      if (e instanceof CorruptObjectError) return false;
      throw e;
    }
  }

  putBytes(kind: ObjectKind, raw: Buffer, knownHash?: string): PutResult {
    const hash = knownHash ?? (kind === 't' ? hashTreeBytes(raw) : createHash('sha256').update(raw).digest('hex'));
    if (this.hasSound(hash, kind)) return { hash, size: raw.length, written: 0 };
    let parts = [header(kind, '0'), raw];
    if (kind === 'b' && raw.length >= this.options.compressAbove && compressible(raw)) {
      const z = deflateSync(raw, { level: 1 });
      if (z.length < raw.length * 0.9) parts = [header(kind, 'z'), z];
    }
    return { hash, size: raw.length, written: this.writeWhole(hash, parts) };
  }

  /**
   * Stores a regular file's content. Opens with O_NOFOLLOW (a file swapped for a symlink since it
   * was lstat'ed is refused, never followed). Returns undefined if the path is no longer a regular file.
   */
  putFile(absPath: string): PutResult | undefined {
    let fd: number;
    try {
      fd = fs.openSync(absPath, READ_FLAGS);
    } catch (e) {
      const code = (e as NodeJS.ErrnoException).code;
      if (code === 'ENOENT' || code === 'ELOOP' || code === 'ENOTDIR' || code === 'EISDIR' || code === 'ENXIO') return undefined;
      throw e;
    }
    try {
      const st = fs.fstatSync(fd);
      if (!st.isFile()) return undefined;
      if (st.size <= this.options.streamAbove) {
        const raw = readAll(fd, st.size);
        return this.putBytes('b', raw);
      }
      return this.putStream(fd);
    } finally {
      fs.closeSync(fd);
    }
  }

  private putStream(fd: number): PutResult {
    const tmp = this.tmpPath();
    const out = fs.openSync(tmp, 'wx', 0o644);
    const h = createHash('sha256');
    const buf = Buffer.allocUnsafe(CHUNK);
    let size = 0;
    try {
      fs.writeSync(out, header('b', '0'));
      for (;;) {
        const n = fs.readSync(fd, buf, 0, CHUNK, null);
        if (n === 0) break;
        h.update(buf.subarray(0, n));
        fs.writeSync(out, buf, 0, n);
        size += n;
      }
      if (this.options.fsync) fs.fsyncSync(out);
    } catch (e) {
      fs.closeSync(out);
      fs.rmSync(tmp, { force: true });
      throw e;
    }
    fs.closeSync(out);
    const hash = h.digest('hex');
    if (this.hasSoundStreamed(hash)) {
      fs.rmSync(tmp, { force: true });
      return { hash, size, written: 0 };
    }
    this.install(tmp, hash);
    return { hash, size, written: size + HEADER_LEN };
  }

  private hasSoundStreamed(hash: string): boolean {
    if (!fs.existsSync(this.pathOf(hash))) return false;
    try {
      this.verify(hash);
      return true;
    } catch (e) {
      if (e instanceof CorruptObjectError) return false;
      throw e;
    }
  }

  /** Reads and verifies an object, returning its raw bytes. */
  read(hash: string, kind: ObjectKind): Buffer {
    const p = this.pathOf(hash);
    let data: Buffer;
    try {
      data = fs.readFileSync(p);
    } catch (e) {
      if ((e as NodeJS.ErrnoException).code === 'ENOENT') {
        throw new CorruptObjectError(hash, 'missing from the store');
      }
      throw e;
    }
    const raw = this.decode(hash, data, kind);
    const actual = kind === 't' ? hashTreeBytes(raw) : createHash('sha256').update(raw).digest('hex');
    if (actual !== hash) this.fail(hash, `content hash mismatch (${data.length} bytes on disk)`);
    return raw;
  }

  private decode(hash: string, data: Buffer, kind: ObjectKind): Buffer {
    if (data.length < HEADER_LEN) this.fail(hash, data.length === 0 ? 'empty object file' : 'truncated header');
    if (data[0] !== 0x4e || data[1] !== 0x43) this.fail(hash, 'bad header');
    const k = String.fromCharCode(data[2]!);
    if (k !== kind) this.fail(hash, `expected a ${kind === 't' ? 'tree' : 'blob'}, found kind "${k}"`);
    const codec = String.fromCharCode(data[3]!);
    const body = data.subarray(HEADER_LEN);
    if (codec === '0') return body;
    if (codec === 'z') {
      try {
        return inflateSync(body);
      } catch {
        this.fail(hash, 'compressed payload is truncated or corrupt');
      }
    }
    this.fail(hash, `unknown codec "${codec}"`);
  }

  /** Verifies a (possibly large) blob by streaming; throws CorruptObjectError (after quarantine). */
  verify(hash: string, kind: ObjectKind = 'b'): void {
    const p = this.pathOf(hash);
    let st: fs.Stats;
    try {
      st = fs.lstatSync(p);
    } catch {
      throw new CorruptObjectError(hash, 'missing from the store');
    }
    if (st.size <= this.options.streamAbove + HEADER_LEN) {
      this.read(hash, kind);
      return;
    }
    this.copyBlobTo(hash, -1);
  }

  /**
   * Streams a blob's raw content into an open fd (or nowhere when fd is -1), verifying the hash.
   * Returns the number of bytes. Throws CorruptObjectError after quarantining a bad object; the
   * caller must discard what it wrote.
   */
  copyBlobTo(hash: string, outFd: number): number {
    const p = this.pathOf(hash);
    let fd: number;
    try {
      fd = fs.openSync(p, 'r');
    } catch {
      throw new CorruptObjectError(hash, 'missing from the store');
    }
    try {
      const st = fs.fstatSync(fd);
      if (st.size < HEADER_LEN) {
        fs.closeSync(fd);
        fd = -1;
        this.fail(hash, st.size === 0 ? 'empty object file' : 'truncated header');
      }
      const head = Buffer.alloc(HEADER_LEN);
      fs.readSync(fd, head, 0, HEADER_LEN, 0);
      if (head.toString('latin1') !== 'NCb0') {
        // Small or compressed: decode in memory (bounded by streamAbove for compressed blobs).
        fs.closeSync(fd);
        fd = -1;
        const raw = this.read(hash, 'b');
        if (outFd >= 0) writeAll(outFd, raw);
        return raw.length;
      }
      const h = createHash('sha256');
      const buf = Buffer.allocUnsafe(CHUNK);
      let pos = HEADER_LEN;
      let size = 0;
      for (;;) {
        const n = fs.readSync(fd, buf, 0, CHUNK, pos);
        if (n === 0) break;
        pos += n;
        size += n;
        h.update(buf.subarray(0, n));
        if (outFd >= 0) writeAll(outFd, buf.subarray(0, n));
      }
      if (h.digest('hex') !== hash) {
        fs.closeSync(fd);
        fd = -1;
        this.fail(hash, `content hash mismatch (${st.size} bytes on disk)`);
      }
      return size;
    } finally {
      if (fd >= 0) fs.closeSync(fd);
    }
  }

  /** Moves a damaged object aside (kept for inspection) and throws. */
  private fail(hash: string, why: string): never {
    throw new CorruptObjectError(hash, why, this.quarantine(hash));
  }

  quarantine(hash: string): string | undefined {
    try {
      fs.mkdirSync(this.quarantineDir, { recursive: true });
      const dest = path.join(this.quarantineDir, `${hash}.${Date.now()}`);
      fs.renameSync(this.pathOf(hash), dest);
      return dest;
    } catch {
      return undefined;
    }
  }

  remove(hash: string): void {
    fs.rmSync(this.pathOf(hash), { force: true });
  }

  /** Every stored object hash (a full listing: O(objects)). */
  *list(): Generator<{ hash: string; bytes: number }> {
    for (const fan of safeReaddir(this.objectsDir)) {
      if (fan.length !== 2) continue;
      const dir = path.join(this.objectsDir, fan);
      for (const rest of safeReaddir(dir)) {
        let bytes = 0;
        try {
          bytes = fs.lstatSync(path.join(dir, rest)).size;
        } catch {
          continue;
        }
        yield { hash: fan + rest, bytes };
      }
    }
  }
}

/** Binary and already-compressed content is common: probe 4 KB before deflating a large blob. */
function compressible(raw: Buffer): boolean {
  if (raw.length < 16384) return true;
  return deflateSync(raw.subarray(0, 4096), { level: 1 }).length < 4096 * 0.9;
}

function safeReaddir(dir: string): string[] {
  try {
    return fs.readdirSync(dir);
  } catch {
    return [];
  }
}

function readAll(fd: number, sizeHint: number): Buffer {
  // The file may grow or shrink while read: read until EOF, never past what is there.
  let buf = Buffer.allocUnsafe(Math.max(sizeHint, 0) + 1);
  let n = 0;
  for (;;) {
    if (n === buf.length) {
      const bigger = Buffer.allocUnsafe(buf.length * 2);
      buf.copy(bigger, 0, 0, n);
      buf = bigger;
    }
    const r = fs.readSync(fd, buf, n, buf.length - n, null);
    if (r === 0) break;
    n += r;
  }
  return buf.subarray(0, n);
}

export function writeAll(fd: number, data: Buffer): void {
  let off = 0;
  while (off < data.length) off += fs.writeSync(fd, data, off, data.length - off);
}
