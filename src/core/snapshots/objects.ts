import { createHash, randomBytes } from 'node:crypto';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { brotliCompressSync, brotliDecompressSync, constants as zc, deflateSync, inflateSync } from 'node:zlib';
import { SyncBatch } from './durability';
import { PackSet, writePack, type PackLocation, type PackRecord } from './packs';
import { hashTreeBytes } from './tree';

/**
 * Content-addressed object store under `<storeDir>/objects/`.
 *
 * An object is a 4-byte header `N C <kind> <codec>` (kind `b` blob / `t` tree; codec `0` raw,
 * `z` zlib, `r` brotli) followed by the payload. Blobs are named by sha256 of their raw bytes;
 * trees by sha256("nc-tree\0" + bytes).
 *
 * Where objects live:
 *  - new objects of a checkpoint are collected in memory and written together as one pack
 *    (`objects/packs/`, see packs.ts) when the checkpoint commits, or earlier when they exceed
 *    `spillBytes`: one file, one fdatasync per checkpoint instead of one per object;
 *  - objects larger than `looseAbove` once encoded, and files streamed because they exceed
 *    `streamAbove`, are single files `objects/<2 hex>/<62 hex>` (as every object was in earlier
 *    versions of the store, which stay readable).
 * Every file is written in `objects/tmp/` first and renamed into place, so a crash never leaves a
 * partial object under its final name. `commit()` makes everything written since the last commit
 * durable in one batch of parallel fdatasync/fsync calls (files and their folders).
 *
 * Every read re-hashes: a damaged object (a power loss before its commit, a disk error) is copied
 * to `quarantine/` and reported, never used; storing the same content again supersedes it.
 *
 * Compression: text blobs of any size from `compressAbove` bytes (brotli or zlib, see
 * `textCodec`), binary blobs with zlib level 1 when a probe says it pays, trees with zlib; the
 * encoded form is kept only when it saves at least 10 %.
 *
 * Trees as deltas (codec `d`): a checkpoint rewrites the tree of every folder on a changed path,
 * and most of those trees differ from the folder's previous tree in one entry; a tree is stored
 * as its previous version's hash plus the entries that changed (zlib), when that is smaller. A
 * chain is at most MAX_DELTA_DEPTH long; reading resolves it (and verifies the result's hash);
 * garbage collection keeps the bases of every delta it keeps (`deltaBaseOf`).
 *
 * Blobs as deltas (codec `d` too): an edit rewrites a file, usually in one place. A changed file
 * whose previous version is stored, and whose new content shares at least half with it as a
 * common beginning and end, is stored as the previous version's hash, the lengths of the shared
 * beginning and end, and the new middle (compressed). Chains of blob deltas are short
 * (MAX_BLOB_DELTA_DEPTH), so that reading a file costs a few reads at most.
 */

/** Longest chain of tree deltas before a tree is stored whole again. */
export const MAX_DELTA_DEPTH = 12;
/** Longest chain of blob deltas before a file's content is stored whole again. */
export const MAX_BLOB_DELTA_DEPTH = 6;
/** Files smaller than this are stored whole (a delta would not save a block's worth). */
const BLOB_DELTA_MIN = 1024;

/** A tree entry as serialised: [name, type, mode, size, hash]. */
export type TreeRow = [string, string, number, number, string];

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
  /** Blobs at least this large are compressed when that saves space (text of any size above it). */
  compressAbove: number;
  /** Codec for text blobs: `brotli` (smaller, slower) or `zlib` (level 1). Binary always uses zlib. */
  textCodec: 'brotli' | 'zlib';
  /** Brotli quality for text blobs (0-11). */
  brotliQuality: number;
  /** Files larger than this are streamed in chunks (never read whole into memory) and stored raw and loose. */
  streamAbove: number;
  /** Encoded objects larger than this are stored as their own file instead of in a pack. */
  looseAbove: number;
  /** Pending objects are written out as a pack once they exceed this many bytes. */
  spillBytes: number;
  /** Make objects durable (fdatasync + folder fsync, batched per commit) before a checkpoint is acknowledged. */
  fsync: boolean;
  /** Pack small objects (false: one file per object, as earlier versions did). */
  pack: boolean;
}

export const DEFAULT_OBJECT_OPTIONS: ObjectStoreOptions = {
  compressAbove: 64,
  textCodec: 'zlib',
  brotliQuality: 5,
  streamAbove: 8 * 1024 * 1024,
  looseAbove: 1024 * 1024,
  spillBytes: 32 * 1024 * 1024,
  fsync: true,
  pack: true,
};

const HEADER_LEN = 4;
const CHUNK = 1024 * 1024;
const READ_FLAGS = fs.constants.O_RDONLY | (fs.constants.O_NOFOLLOW ?? 0) | (fs.constants.O_NONBLOCK ?? 0);

function header(kind: ObjectKind, codec: '0' | 'z' | 'r' | 'd'): Buffer {
  return Buffer.from(`NC${kind}${codec}`, 'latin1');
}

export interface PutResult {
  hash: string;
  size: number;
  /** Bytes of the object written (0 when it already existed). */
  written: number;
}

/** Where an object is (for diagnostics and damage tests). */
export type ObjectLocation =
  | { where: 'pending' }
  | { where: 'pack'; file: string; offset: number; length: number }
  | { where: 'loose'; file: string };

export interface SweepResult {
  removedObjects: number;
  freedBytes: number;
  keptObjects: number;
  repackedPacks: number;
}

export class ObjectStore {
  readonly objectsDir: string;
  readonly tmpDir: string;
  readonly quarantineDir: string;
  readonly packs: PackSet;
  private readonly knownFanout = new Set<string>();
  private readonly pending = new Map<string, Buffer>();
  private pendingBytes = 0;
  private readonly batch: SyncBatch;
  /** Decoded tree bytes by hash (resolving a delta reads its bases; they are read often). */
  private readonly treeRaw = new Map<string, Buffer>();
  /** Recently decoded small blobs (the bases of blob deltas), bounded by bytes. */
  private readonly blobRaw = new Map<string, Buffer>();
  private blobRawBytes = 0;

  constructor(readonly storeDir: string, readonly options: ObjectStoreOptions = DEFAULT_OBJECT_OPTIONS) {
    this.objectsDir = path.join(storeDir, 'objects');
    this.tmpDir = path.join(this.objectsDir, 'tmp');
    this.quarantineDir = path.join(storeDir, 'quarantine');
    fs.mkdirSync(this.tmpDir, { recursive: true });
    this.packs = new PackSet(path.join(this.objectsDir, 'packs'));
    this.packs.rescan();
    this.batch = new SyncBatch(options.fsync);
  }

  /** The loose-object path of a hash (where it is, or would be, stored as its own file). */
  pathOf(hash: string): string {
    return path.join(this.objectsDir, hash.slice(0, 2), hash.slice(2));
  }

  locate(hash: string): ObjectLocation | undefined {
    if (this.pending.has(hash)) return { where: 'pending' };
    const loc = this.packs.get(hash);
    if (loc) return { where: 'pack', file: loc.pack.abs, offset: loc.offset, length: loc.length };
    if (this.looseExists(hash)) return { where: 'loose', file: this.pathOf(hash) };
    return undefined;
  }

  private looseExists(hash: string): boolean {
    // Most lookups are of new objects: no exception for a missing file (they cost more than the lstat).
    const st = fs.lstatSync(this.pathOf(hash), { throwIfNoEntry: false });
    return st !== undefined && st.size > HEADER_LEN - 1;
  }

  has(hash: string): boolean {
    if (this.pending.has(hash) || this.packs.get(hash) || this.looseExists(hash)) return true;
    // While this process holds the store lock no other one can add a pack: the list read when the
    // lock was taken is current (no stat of the packs folder for every new object).
    if (this.lockedScan) return false;
    return this.packs.rescanIfChanged() && this.packs.get(hash) !== undefined;
  }

  private lockedScan = false;

  /** The store lock was just taken: packs other processes wrote are read now, once. */
  lockTaken(): void {
    this.packs.rescanIfChanged();
    this.lockedScan = true;
  }

  /** The store lock is about to be released. */
  lockReleased(): void {
    this.lockedScan = false;
  }

  /** Removes temp files and incomplete packs left by a crashed writer. Call only while holding the store lock. */
  cleanTemp(): number {
    let n = 0;
    for (const name of fs.readdirSync(this.tmpDir)) {
      fs.rmSync(path.join(this.tmpDir, name), { force: true });
      n++;
    }
    this.packs.rescan();
    return n + this.packs.removeInvalid();
  }

  private tmpPath(): string {
    return path.join(this.tmpDir, `${process.pid}-${randomBytes(8).toString('hex')}`);
  }

  private install(tmp: string, hash: string): void {
    const fan = hash.slice(0, 2);
    if (!this.knownFanout.has(fan)) {
      const dir = path.join(this.objectsDir, fan);
      if (!fs.existsSync(dir)) {
        fs.mkdirSync(dir, { recursive: true });
        this.batch.dir(this.objectsDir);
      }
      this.knownFanout.add(fan);
    }
    const dest = this.pathOf(hash);
    fs.renameSync(tmp, dest);
    this.batch.file(dest);
  }

  private writeLoose(hash: string, parts: Buffer[]): number {
    const tmp = this.tmpPath();
    const fd = fs.openSync(tmp, 'wx', 0o644);
    let n = 0;
    try {
      for (const p of parts) {
        writeAll(fd, p);
        n += p.length;
      }
    } catch (e) {
      fs.closeSync(fd);
      fs.rmSync(tmp, { force: true });
      throw e;
    }
    fs.closeSync(fd);
    this.install(tmp, hash);
    return n;
  }

  /**
   * True if a sound copy of `hash` is stored. A damaged copy is quarantined and reported as absent,
   * so the caller re-writes it from the bytes it holds (this is how a bad object heals).
   */
  private hasSound(hash: string, kind: ObjectKind): boolean {
    if (this.pending.has(hash)) return true;
    if (!this.has(hash)) return false;
    try {
      this.read(hash, kind, { fromDisk: true });
      return true;
    } catch (e) {
      if (e instanceof CorruptObjectError) return false;
      throw e;
    }
  }

  private encode(kind: ObjectKind, raw: Buffer): Buffer[] {
    const o = this.options;
    if (raw.length >= o.compressAbove) {
      let z: Buffer | undefined;
      let codec: 'z' | 'r' = 'z';
      if (kind === 't') {
        z = deflateSync(raw, { level: 1 });
      } else if (looksLikeText(raw)) {
        if (o.textCodec === 'brotli') {
          codec = 'r';
          z = brotliCompressSync(raw, {
            params: { [zc.BROTLI_PARAM_QUALITY]: o.brotliQuality, [zc.BROTLI_PARAM_MODE]: zc.BROTLI_MODE_TEXT, [zc.BROTLI_PARAM_SIZE_HINT]: raw.length },
          });
        } else {
          z = deflateSync(raw, { level: 1 });
        }
      } else if (compressible(raw)) {
        z = deflateSync(raw, { level: 1 });
      }
      if (z && z.length < raw.length * 0.9) return [header(kind, codec), z];
    }
    return [header(kind, '0'), raw];
  }

  /**
   * Stores a tree; with `base` (the previous tree of the same folder, already stored), as a delta
   * against it when that is at most half the size of the whole tree compressed. `delta` says
   * which way it went (a tree already stored reports false).
   */
  putTree(raw: Buffer, hash: string, base?: string, known?: { rows: readonly TreeRow[]; baseRows?: readonly TreeRow[] }): PutResult & { delta: boolean } {
    if (!base || base === hash || !this.has(base) || this.hasSound(hash, 't')) return { ...this.putBytes('t', raw, hash), delta: false };
    let baseList = known?.baseRows;
    if (!baseList) {
      try {
        baseList = JSON.parse(this.read(base, 't').toString('utf8')) as TreeRow[];
      } catch {
        return { ...this.putBytes('t', raw, hash), delta: false };
      }
    }
    const rows = known?.rows ?? (JSON.parse(raw.toString('utf8')) as TreeRow[]);
    const baseRows = new Map(baseList.map((r) => [r[0], r]));
    const set: TreeRow[] = [];
    for (const r of rows) {
      const b = baseRows.get(r[0]);
      baseRows.delete(r[0]);
      if (!b || b[1] !== r[1] || b[2] !== r[2] || b[3] !== r[3] || b[4] !== r[4]) set.push(r);
    }
    const del = [...baseRows.keys()];
    if (set.length + del.length > rows.length / 2) return { ...this.putBytes('t', raw, hash), delta: false };
    const json = Buffer.from(JSON.stringify({ set, del }), 'utf8');
    // Most tree deltas are a few rows: a zlib stream with the bytes stored as they are reads the same
    // (inflate) and costs ~1 us where deflate costs ~30 us (zlib's setup), for ~30 % more bytes.
    const payload = Buffer.concat([Buffer.from(base, 'hex'), json.length < TREE_DELTA_STORE_BELOW ? zlibStored(json) : deflateSync(json, { level: 1 })]);
    const bytes = Buffer.concat([header('t', 'd'), payload]);
    this.treeRaw.set(hash, raw);
    this.pending.set(hash, bytes);
    this.pendingBytes += bytes.length;
    if (this.pendingBytes >= this.options.spillBytes) this.spill();
    return { hash, size: raw.length, written: bytes.length + 44, delta: true };
  }

  /** The base a stored tree delta is built on (undefined for anything else). */
  deltaBaseOf(hash: string): string | undefined {
    const p = this.pending.get(hash);
    const loc = p ? undefined : this.packs.get(hash);
    // Deltas are small: always in a pack (or pending), never loose; only their head is read.
    const head = p ?? (loc ? this.packs.read({ ...loc, length: Math.min(loc.length, 36) }) : undefined);
    if (!head || head.length < 36 || head[3] !== 0x64) return undefined;
    return head.toString('hex', 4, 36);
  }

  /**
   * Stores a blob as a delta of `base` (the previous content of the same file) when their
   * common beginning and end cover at least half of it; else whole. `delta` says which.
   */
  private putBlobDelta(raw: Buffer, hash: string, base: string): PutResult & { delta: boolean } | undefined {
    if (raw.length < BLOB_DELTA_MIN || base === hash || !this.has(base)) return undefined;
    let old: Buffer;
    try {
      old = this.readBase(base);
    } catch {
      return undefined;
    }
    const max = Math.min(old.length, raw.length);
    let prefix = 0;
    // Compare in 4 KB steps natively, then byte by byte inside the first differing step.
    while (prefix + 4096 <= max && old.compare(raw, prefix, prefix + 4096, prefix, prefix + 4096) === 0) prefix += 4096;
    while (prefix < max && old[prefix] === raw[prefix]) prefix++;
    let suffix = 0;
    const room = max - prefix;
    while (suffix + 4096 <= room && old.compare(raw, raw.length - suffix - 4096, raw.length - suffix, old.length - suffix - 4096, old.length - suffix) === 0) suffix += 4096;
    while (suffix < room && old[old.length - 1 - suffix] === raw[raw.length - 1 - suffix]) suffix++;
    if (prefix + suffix < raw.length / 2) return undefined;
    let middle = raw.subarray(prefix, raw.length - suffix);
    let packed = 0;
    // A typical edit's middle is a few hundred bytes: deflate's per-call setup (~30 us) would cost
    // more than the bytes it saves, so only larger middles are compressed.
    if (middle.length >= Math.max(this.options.compressAbove, DELTA_MIDDLE_COMPRESS_ABOVE)) {
      const z = deflateSync(middle, { level: 1 });
      if (z.length < middle.length * 0.9) {
        middle = z;
        packed = 1;
      }
    }
    const head = Buffer.alloc(4 + 32 + 9);
    header('b', 'd').copy(head, 0);
    head.write(base, 4, 32, 'hex');
    head.writeUInt32BE(prefix, 36);
    head.writeUInt32BE(suffix, 40);
    head[44] = packed;
    const bytes = Buffer.concat([head, middle]);
    this.pending.set(hash, bytes);
    this.pendingBytes += bytes.length;
    if (this.pendingBytes >= this.options.spillBytes) this.spill();
    return { hash, size: raw.length, written: bytes.length + 44, delta: true };
  }

  /** A delta's base content: from the small cache of recent bases, else read (and verified). */
  private readBase(hash: string): Buffer {
    return this.blobRaw.get(hash) ?? this.read(hash, 'b');
  }

  /**
   * A delta's base while rebuilding it for a read: decoded, not hashed, not cached. The rebuilt
   * blob's own hash covers the base's bytes; when it disagrees, read() checks the base (so the damage
   * is pinned on the right object). Writing a delta (putBlobDelta) always uses a verified base.
   */
  private baseForRead(hash: string): Buffer {
    const hit = this.blobRaw.get(hash);
    if (hit) return hit;
    const s = this.storedBytes(hash);
    if (!s) throw new CorruptObjectError(hash, 'missing from the store');
    return this.decode(hash, s.data, 'b', s.loc);
  }

  /** Rebuilds a blob stored as a delta: the base's beginning, the new middle, the base's end. */
  private unblobDelta(hash: string, body: Buffer, loc?: PackLocation): Buffer {
    if (body.length < 41) this.fail(hash, 'truncated blob delta', loc);
    const base = body.toString('hex', 0, 32);
    const prefix = body.readUInt32BE(32);
    const suffix = body.readUInt32BE(36);
    let middle = body.subarray(41);
    if (body[40] === 1) {
      try {
        middle = inflateSync(middle);
      } catch {
        this.fail(hash, 'blob delta is truncated or corrupt', loc);
      }
    }
    let old: Buffer;
    try {
      old = this.baseForRead(base);
    } catch (e) {
      if (e instanceof CorruptObjectError) throw new CorruptObjectError(hash, `the content it is a delta of (${base.slice(0, 12)}) is damaged or missing`);
      throw e;
    }
    if (prefix + suffix > old.length) this.fail(hash, 'blob delta does not fit its base', loc);
    return Buffer.concat([old.subarray(0, prefix), middle, old.subarray(old.length - suffix)]);
  }

  putBytes(kind: ObjectKind, raw: Buffer, knownHash?: string, deltaBase?: string): PutResult & { delta?: boolean } {
    const hash = knownHash ?? (kind === 't' ? hashTreeBytes(raw) : createHash('sha256').update(raw).digest('hex'));
    if (this.hasSound(hash, kind)) return { hash, size: raw.length, written: 0 };
    if (kind === 'b' && deltaBase && this.options.pack) {
      const d = this.putBlobDelta(raw, hash, deltaBase);
      if (d) return d;
    }
    const parts = this.encode(kind, raw);
    const len = parts[0]!.length + parts[1]!.length;
    if (!this.options.pack || len > this.options.looseAbove) return { hash, size: raw.length, written: this.writeLoose(hash, parts) };
    this.pending.set(hash, Buffer.concat(parts, len));
    this.pendingBytes += len;
    if (this.pendingBytes >= this.options.spillBytes) this.spill();
    return { hash, size: raw.length, written: len + 44 };
  }

  /**
   * Stores a regular file's content. Opens with O_NOFOLLOW (a file swapped for a symlink since it
   * was lstat'ed is refused, never followed). Returns undefined if the path is no longer a regular file.
   */
  putFile(absPath: string, deltaBase?: string): (PutResult & { delta?: boolean }) | undefined {
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
        return this.putBytes('b', raw, undefined, deltaBase);
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
        writeAll(out, buf.subarray(0, n));
        size += n;
      }
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
    if (!this.has(hash)) return false;
    try {
      this.verify(hash);
      return true;
    } catch (e) {
      if (e instanceof CorruptObjectError) return false;
      throw e;
    }
  }

  /** Writes the pending objects out as one pack (not yet durable: see commit). */
  spill(): void {
    if (this.pending.size === 0) return;
    const records: PackRecord[] = [...this.pending].map(([hash, bytes]) => ({ hash, bytes }));
    const { pack, offsets } = writePack(this.packs.dir, this.tmpDir, records);
    this.packs.add(pack, records.map((r) => r.hash), offsets, records.map((r) => r.bytes.length));
    this.pending.clear();
    this.pendingBytes = 0;
    this.batch.file(pack.abs);
  }

  /**
   * Writes pending objects out and names every object file written since the last flush: what
   * the next `flush` makes durable (a checkpoint's ref records them, see SnapshotRecord.deps).
   */
  stage(): { packs: string[]; loose: string[] } {
    this.spill();
    const packs: string[] = [];
    const loose: string[] = [];
    for (const f of this.batch.pendingFiles()) {
      if (path.dirname(f) === this.packs.dir) packs.push(path.basename(f, '.pack'));
      else if (path.dirname(path.dirname(f)) === this.objectsDir) loose.push(path.basename(path.dirname(f)) + path.basename(f));
    }
    return { packs, loose };
  }

  /** Makes everything staged durable (one parallel batch of fdatasync/fsync). */
  async flush(): Promise<void> {
    await this.batch.flush();
  }

  /** Is this loose object file present (and not empty)? */
  hasLoose(hash: string): boolean {
    return this.looseExists(hash);
  }

  /** Writes pending objects and makes every object written since the last commit durable (one parallel batch). */
  async commit(): Promise<void> {
    this.spill();
    await this.batch.flush();
  }

  commitSync(): void {
    this.spill();
    this.batch.flushSync();
  }

  /** Forgets objects not yet written (a checkpoint that failed half-way). */
  discardPending(): void {
    this.pending.clear();
    this.pendingBytes = 0;
  }

  /** The stored bytes (header + payload) of an object, or undefined if it is not stored. */
  private storedBytes(hash: string): { data: Buffer; loc?: PackLocation; loose?: string } | undefined {
    const p = this.pending.get(hash);
    if (p) return { data: p };
    for (let attempt = 0; attempt < 2; attempt++) {
      const loc = this.packs.get(hash);
      if (loc) {
        const data = this.packs.read(loc);
        if (data) return { data, loc };
        this.packs.rescan(); // its pack was collected by another process: look again
        continue;
      }
      const file = this.pathOf(hash);
      try {
        return { data: fs.readFileSync(file), loose: file };
      } catch (e) {
        if ((e as NodeJS.ErrnoException).code !== 'ENOENT') throw e;
      }
      if (attempt === 0 && !this.packs.rescanIfChanged()) break;
    }
    return undefined;
  }

  /** Reads and verifies an object, returning its raw bytes. */
  read(hash: string, kind: ObjectKind, opts: { fromDisk?: boolean } = {}): Buffer {
    if (!opts.fromDisk && kind === 't') {
      const hit = this.treeRaw.get(hash);
      if (hit) return hit;
    }
    const s = this.storedBytes(hash);
    if (!s) throw new CorruptObjectError(hash, 'missing from the store');
    const raw = this.decode(hash, s.data, kind, s.loc);
    const actual = kind === 't' ? hashTreeBytes(raw) : createHash('sha256').update(raw).digest('hex');
    if (actual !== hash) {
      // A blob delta was rebuilt from its base unverified (baseForRead): is the base the damaged one?
      if (kind === 'b' && s.data.length >= HEADER_LEN + 32 && s.data[3] === 0x64) {
        const base = s.data.toString('hex', HEADER_LEN, HEADER_LEN + 32);
        try {
          this.read(base, 'b');
        } catch (e) {
          if (e instanceof CorruptObjectError) throw new CorruptObjectError(hash, `the content it is a delta of (${base.slice(0, 12)}) is damaged or missing`);
          throw e;
        }
      }
      this.fail(hash, `content hash mismatch (${s.data.length} bytes stored)`, s.loc);
    }
    if (kind === 't') {
      if (this.treeRaw.size >= 4096) this.treeRaw.clear();
      this.treeRaw.set(hash, raw);
    } else if (raw.length <= 256 * 1024 && raw.length >= BLOB_DELTA_MIN) {
      // Kept only as a possible delta base (readBase); a plain read always goes to the store.
      if (this.blobRawBytes + raw.length > 32 * 1024 * 1024) {
        this.blobRaw.clear();
        this.blobRawBytes = 0;
      }
      this.blobRaw.set(hash, raw);
      this.blobRawBytes += raw.length;
    }
    return raw;
  }

  /** Rebuilds a tree stored as a delta: the base's rows, the changed ones set, the removed ones dropped. */
  private undelta(hash: string, body: Buffer, loc?: PackLocation): Buffer {
    if (body.length < 33) this.fail(hash, 'truncated tree delta', loc);
    const base = body.toString('hex', 0, 32);
    let ops: { set: TreeRow[]; del: string[] };
    try {
      ops = JSON.parse(inflateSync(body.subarray(32)).toString('utf8')) as typeof ops;
      if (!Array.isArray(ops.set) || !Array.isArray(ops.del)) throw new Error('shape');
    } catch {
      return this.fail(hash, 'tree delta is truncated or corrupt', loc);
    }
    let baseRaw: Buffer;
    try {
      baseRaw = this.read(base, 't');
    } catch (e) {
      if (e instanceof CorruptObjectError) throw new CorruptObjectError(hash, `the tree it is a delta of (${base.slice(0, 12)}) is damaged or missing`);
      throw e;
    }
    const rows = new Map((JSON.parse(baseRaw.toString('utf8')) as TreeRow[]).map((r) => [r[0], r]));
    for (const d of ops.del) rows.delete(String(d));
    for (const r of ops.set) if (Array.isArray(r)) rows.set(String(r[0]), r);
    const names = [...rows.keys()].sort((a, b) => (a < b ? -1 : a > b ? 1 : 0));
    return Buffer.from(JSON.stringify(names.map((n) => rows.get(n)!)), 'utf8');
  }

  /** The kind recorded in an object's header, or undefined if it is not stored. */
  kindOf(hash: string): ObjectKind | undefined {
    const s = this.storedBytes(hash);
    if (!s || s.data.length < HEADER_LEN) return undefined;
    return s.data[2] === 0x74 ? 't' : 'b';
  }

  private decode(hash: string, data: Buffer, kind: ObjectKind, loc?: PackLocation): Buffer {
    const fail = (why: string): never => this.fail(hash, why, loc);
    if (data.length < HEADER_LEN) fail(data.length === 0 ? 'empty object file' : 'truncated header');
    if (data[0] !== 0x4e || data[1] !== 0x43) fail('bad header');
    const k = String.fromCharCode(data[2]!);
    if (k !== kind) fail(`expected a ${kind === 't' ? 'tree' : 'blob'}, found kind "${k}"`);
    const codec = String.fromCharCode(data[3]!);
    const body = data.subarray(HEADER_LEN);
    if (codec === '0') return body;
    if (codec === 'd') return kind === 't' ? this.undelta(hash, body, loc) : this.unblobDelta(hash, body, loc);
    if (codec === 'z' || codec === 'r') {
      try {
        return codec === 'z' ? inflateSync(body) : brotliDecompressSync(body);
      } catch {
        fail('compressed payload is truncated or corrupt');
      }
    }
    return fail(`unknown codec "${codec}"`);
  }

  /** Verifies a (possibly large) blob by streaming; throws CorruptObjectError (after quarantine). */
  verify(hash: string, kind: ObjectKind = 'b'): void {
    if (this.pending.has(hash) || this.packs.get(hash)) {
      this.read(hash, kind, { fromDisk: true });
      return;
    }
    let st: fs.Stats;
    try {
      st = fs.lstatSync(this.pathOf(hash));
    } catch {
      this.read(hash, kind); // maybe packed by another process since; else reports it missing
      return;
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
    if (this.pending.has(hash) || this.packs.get(hash)) {
      const raw = this.read(hash, 'b');
      if (outFd >= 0) writeAll(outFd, raw);
      return raw.length;
    }
    const p = this.pathOf(hash);
    let fd: number;
    try {
      fd = fs.openSync(p, 'r');
    } catch {
      const raw = this.read(hash, 'b'); // packed meanwhile, or missing (throws)
      if (outFd >= 0) writeAll(outFd, raw);
      return raw.length;
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
  private fail(hash: string, why: string, loc?: PackLocation): never {
    throw new CorruptObjectError(hash, why, this.quarantine(hash, loc));
  }

  /** Moves (a loose object) or copies (a pack record, then never served again) a damaged object to quarantine/. */
  quarantine(hash: string, loc?: PackLocation): string | undefined {
    try {
      fs.mkdirSync(this.quarantineDir, { recursive: true });
      const dest = path.join(this.quarantineDir, `${hash}.${Date.now()}`);
      const packed = loc ?? this.packs.get(hash);
      if (packed) {
        const data = this.packs.read(packed);
        this.packs.markBad(packed, hash);
        fs.writeFileSync(dest, data ?? Buffer.alloc(0));
        return dest;
      }
      fs.renameSync(this.pathOf(hash), dest);
      return dest;
    } catch {
      return undefined;
    }
  }

  /** Every stored object (a full listing: O(objects)); `bytes` is what it occupies. */
  *list(): Generator<{ hash: string; bytes: number }> {
    for (const [hash, loc] of this.packs.entries()) yield { hash, bytes: loc.length + 44 };
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
        if (this.packs.get(fan + rest)) continue; // listed above
        yield { hash: fan + rest, bytes };
      }
    }
  }

  /** Bytes of every object file and pack (what the size budget counts). */
  diskBytes(): number {
    let n = this.packs.bytes;
    for (const fan of safeReaddir(this.objectsDir)) {
      if (fan.length !== 2) continue;
      const dir = path.join(this.objectsDir, fan);
      for (const rest of safeReaddir(dir)) {
        try {
          n += fs.lstatSync(path.join(dir, rest)).size;
        } catch {
          // removed meanwhile
        }
      }
    }
    return n;
  }

  /**
   * Removes every object not in `reachable`: loose files are deleted; a pack with no reachable
   * record is deleted; a pack with some is rewritten with only those (the new pack made durable
   * before the old one goes). Call only while holding the store lock.
   */
  async sweep(reachable: ReadonlySet<string>): Promise<SweepResult> {
    this.commitSync();
    this.packs.rescan();
    const res: SweepResult = { removedObjects: 0, freedBytes: 0, keptObjects: 0, repackedPacks: 0 };
    const perPack = new Map<string, { live: Array<[string, PackLocation]>; dead: number; deadBytes: number }>();
    for (const name of this.packs.packs.keys()) perPack.set(name, { live: [], dead: 0, deadBytes: 0 });
    for (const [hash, loc] of this.packs.entries()) {
      const p = perPack.get(loc.pack.name)!;
      if (reachable.has(hash)) p.live.push([hash, loc]);
      else {
        p.dead++;
        p.deadBytes += loc.length + 44;
      }
    }
    const carry: PackRecord[] = [];
    const drop: string[] = [];
    for (const [name, p] of perPack) {
      const pack = this.packs.packs.get(name)!;
      // Records superseded by a later copy count as dead too.
      const shadowed = pack.count - p.live.length - p.dead;
      if (p.dead === 0 && shadowed === 0) {
        res.keptObjects += p.live.length;
        continue;
      }
      for (const [hash, loc] of p.live) {
        const data = this.packs.read(loc);
        if (data) carry.push({ hash, bytes: data });
      }
      res.removedObjects += p.dead;
      res.freedBytes += p.deadBytes;
      res.keptObjects += p.live.length;
      drop.push(name);
    }
    if (carry.length > 0) {
      // Bounded packs, so that a later sweep rewrites little.
      for (let i = 0; i < carry.length; ) {
        const slice: PackRecord[] = [];
        let bytes = 0;
        while (i < carry.length && (slice.length === 0 || bytes < this.options.spillBytes)) {
          bytes += carry[i]!.bytes.length;
          slice.push(carry[i++]!);
        }
        const { pack, offsets } = writePack(this.packs.dir, this.tmpDir, slice);
        this.packs.add(pack, slice.map((r) => r.hash), offsets, slice.map((r) => r.bytes.length));
        this.batch.file(pack.abs);
      }
      await this.batch.flush();
    }
    for (const name of drop) this.packs.remove(name);
    res.repackedPacks = drop.length;
    for (const fan of safeReaddir(this.objectsDir)) {
      if (fan.length !== 2) continue;
      const dir = path.join(this.objectsDir, fan);
      for (const rest of safeReaddir(dir)) {
        const hash = fan + rest;
        let bytes = 0;
        try {
          bytes = fs.lstatSync(path.join(dir, rest)).size;
        } catch {
          continue;
        }
        if (reachable.has(hash) && !this.packs.get(hash)) {
          res.keptObjects++;
          continue;
        }
        fs.rmSync(path.join(dir, rest), { force: true });
        if (!reachable.has(hash)) {
          res.removedObjects++;
          res.freedBytes += bytes;
        }
      }
    }
    this.batch.dir(this.packs.dir);
    await this.batch.flush();
    return res;
  }

  close(): void {
    this.commitSync();
    this.packs.closeFds();
  }
}

/** Git's heuristic: no NUL byte in the first 8 KB. */
export function looksLikeText(raw: Buffer): boolean {
  return raw.subarray(0, 8000).indexOf(0) === -1;
}

/** Binary and already-compressed content is common: probe 4 KB before deflating a large blob. */
function compressible(raw: Buffer): boolean {
  if (raw.length < 16384) return deflateSync(raw.subarray(0, 2048), { level: 1 }).length < Math.min(raw.length, 2048) * 0.9;
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

/** Blob-delta middles shorter than this are stored without compression. */
const DELTA_MIDDLE_COMPRESS_ABOVE = 1024;

/** Tree-delta payloads shorter than this are stored in their zlib stream without compression. */
const TREE_DELTA_STORE_BELOW = 1024;

/**
 * A zlib stream (RFC 1950) whose deflate blocks are stored (RFC 1951, BTYPE 00): what inflateSync
 * reads like any other, with none of deflate's per-call setup.
 */
export function zlibStored(data: Buffer): Buffer {
  const blocks = Math.max(1, Math.ceil(data.length / 65535));
  const out = Buffer.allocUnsafe(2 + blocks * 5 + data.length + 4);
  out[0] = 0x78; // deflate, 32 KiB window
  out[1] = 0x01; // no preset dictionary, fastest; (0x78 * 256 + 0x01) % 31 === 0
  let o = 2;
  for (let i = 0; i < blocks; i++) {
    const start = i * 65535;
    const len = Math.min(65535, data.length - start);
    out[o] = i === blocks - 1 ? 1 : 0; // BFINAL on the last block, BTYPE 00
    out.writeUInt16LE(len, o + 1);
    out.writeUInt16LE(~len & 0xffff, o + 3);
    data.copy(out, o + 5, start, start + len);
    o += 5 + len;
  }
  let a = 1;
  let b = 0;
  for (let i = 0; i < data.length; i++) {
    a = (a + data[i]!) % 65521;
    b = (b + a) % 65521;
  }
  out.writeUInt32BE(((b << 16) | a) >>> 0, o);
  return out;
}

export function writeAll(fd: number, data: Buffer): void {
  let off = 0;
  while (off < data.length) off += fs.writeSync(fd, data, off, data.length - off);
}
