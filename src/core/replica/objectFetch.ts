/**
 * Fetches snapshot objects from a remote snapshot store over SSH, in one
 * round trip per batch, through the run's own connection settings (the
 * transport's ControlMaster is shared with everything else on that host).
 *
 * Wire format (no tar, so nothing remote decides a local path): the local
 * side writes the wanted object paths (`ab/cdef…`) one a line; the remote
 * shell answers, for each, `<path> <size>\n` and the bytes, or `<path> -\n`
 * when it does not have it. Every object is then checked like a local one:
 * its header, its codec, and the hash of its content must match the name it
 * was asked for; anything else is dropped. Only then is it stored locally.
 */
import { spawn } from 'node:child_process';
import { createHash } from 'node:crypto';
import { inflateSync } from 'node:zlib';
import type { SshTransport } from '../sandbox/ssh';
import { shellQuote } from '../sandbox/ssh';
import type { ObjectKind, ObjectStore } from '../snapshots/objects';
import { hashTreeBytes } from '../snapshots/tree';

const HEX64 = /^[0-9a-f]{64}$/;
/** One object larger than this is refused (a hostile or broken peer could send anything). */
export const MAX_OBJECT_BYTES = 1024 * 1024 * 1024;

export interface WantedObject {
  hash: string;
  kind: ObjectKind;
}

export interface FetchResult {
  stored: string[];
  missing: string[];
  rejected: Array<{ hash: string; why: string }>;
}

/** The remote script: answers each requested path with its bytes, framed. */
export function fetchScript(objectsDir: string): string {
  return [
    `cd -- ${shellQuote(objectsDir)} || exit 3`,
    'while IFS= read -r p; do',
    '  if [ -f "$p" ] && [ ! -h "$p" ]; then',
    '    n=$(wc -c < "$p" | tr -d " ")',
    '    printf "%s %s\\n" "$p" "$n"',
    '    cat -- "$p"',
    '  else',
    '    printf "%s -\\n" "$p"',
    '  fi',
    'done',
  ].join('\n');
}

/**
 * Receives the framed answer for `wanted` into `into`: only objects asked for
 * are considered, each verified before it is stored. Used by fetchObjects;
 * separate so the handling of a hostile answer is testable without SSH.
 */
export class ObjectReceiver {
  private readonly byPath = new Map<string, WantedObject>();
  private readonly parser: FrameParser;
  readonly result: FetchResult = { stored: [], missing: [], rejected: [] };

  constructor(wanted: WantedObject[], private readonly into: ObjectStore) {
    for (const w of wanted) {
      if (!HEX64.test(w.hash)) continue;
      this.byPath.set(`${w.hash.slice(0, 2)}/${w.hash.slice(2)}`, w);
    }
    this.parser = new FrameParser((p, bytes) => this.onObject(p, bytes));
  }

  /** The request: one object path a line. */
  get request(): string {
    return [...this.byPath.keys()].join('\n') + '\n';
  }

  get pending(): number {
    return this.byPath.size;
  }

  get error(): string | undefined {
    return this.parser.error;
  }

  push(chunk: Buffer): void {
    this.parser.push(chunk);
  }

  /** What was asked for and never answered counts as missing. */
  finish(): FetchResult {
    for (const w of this.byPath.values()) this.result.missing.push(w.hash);
    this.byPath.clear();
    return this.result;
  }

  private onObject(p: string, bytes: Buffer | null): void {
    const w = this.byPath.get(p);
    if (!w) return; // not asked for (or answered twice): ignored
    this.byPath.delete(p);
    if (bytes === null) {
      this.result.missing.push(w.hash);
      return;
    }
    const why = storeVerified(this.into, w, bytes);
    if (why) this.result.rejected.push({ hash: w.hash, why });
    else this.result.stored.push(w.hash);
  }
}

/** Fetches `wanted` from `objectsDir` on the transport's host into `into`; verifies each one. */
export async function fetchObjects(transport: SshTransport, objectsDir: string, wanted: WantedObject[], into: ObjectStore, remoteCli?: string[]): Promise<FetchResult> {
  const rx = new ObjectReceiver(wanted, into);
  if (rx.pending === 0) return rx.finish();
  await transport.connect();
  // With the remote's own CLI, objects are read by its store (packs, deltas); the shell script reads
  // only one-file-per-object stores (runs recorded before packs).
  const remote = remoteCli?.length
    ? `exec ${[...remoteCli, 'objects', '--store', objectsDir.replace(/\/objects$/, '')].map(shellQuote).join(' ')}`
    : fetchScript(objectsDir);
  const child = spawn(transport.sshPath, ['-T', ...transport.baseArgs(), '--', transport.host, remote], {
    stdio: ['pipe', 'pipe', 'pipe'],
  });
  let stderr = '';
  child.stdout.on('data', (d: Buffer) => rx.push(d));
  child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
  child.stdin.on('error', () => undefined);
  child.stdin.end(rx.request);
  const code = await new Promise<number | null>((resolve, reject) => {
    child.once('error', reject);
    child.once('close', (c) => resolve(c));
  });
  if (rx.error) throw new Error(`The snapshot objects sent by ${transport.host} were malformed (${rx.error}).`);
  if (code !== 0 && rx.pending > 0) {
    throw Object.assign(new Error(`Could not fetch snapshot content from ${transport.host} (ssh exited with ${code}): ${stderr.trim().split('\n').pop() ?? ''}`), {
      fix: `Check that ${transport.host} is reachable (\`ssh ${transport.configFile ? `-F ${transport.configFile} ` : ''}${transport.host} true\`) and still holds the run's snapshots under ${objectsDir}.`,
    });
  }
  const result = rx.finish();
  // Fetched objects are pending in the store until committed (one pack, made durable).
  if (result.stored.length) await into.commit();
  return result;
}

/** Checks an object file's bytes against the hash it was asked for; stores it when sound. Returns why not, or undefined. */
function storeVerified(into: ObjectStore, w: WantedObject, data: Buffer): string | undefined {
  if (data.length < 4 || data[0] !== 0x4e || data[1] !== 0x43) return 'bad header';
  const kind = String.fromCharCode(data[2]!);
  if (kind !== w.kind) return `expected a ${w.kind === 't' ? 'tree' : 'blob'}, got kind "${kind}"`;
  const codec = String.fromCharCode(data[3]!);
  let raw: Buffer;
  if (codec === '0') raw = data.subarray(4);
  else if (codec === 'z') {
    try {
      raw = inflateSync(data.subarray(4), { maxOutputLength: MAX_OBJECT_BYTES });
    } catch {
      return 'corrupt compressed payload';
    }
  } else return `unknown codec "${codec}"`;
  const actual = w.kind === 't' ? hashTreeBytes(raw) : createHash('sha256').update(raw).digest('hex');
  if (actual !== w.hash) return 'content does not match its hash';
  into.putBytes(w.kind, raw, w.hash);
  return undefined;
}

/** Splits the framed stream: `<path> <size>\n<bytes>` or `<path> -\n`. */
class FrameParser {
  private buf: Buffer = Buffer.alloc(0);
  private want: { path: string; size: number } | null = null;
  private chunks: Buffer[] = [];
  private got = 0;
  private framed = false;
  error: string | undefined;

  constructor(private readonly onObject: (path: string, bytes: Buffer | null) => void) {}

  push(d: Buffer): void {
    if (this.error) return;
    this.buf = this.buf.length ? Buffer.concat([this.buf, d]) : d;
    for (;;) {
      if (this.want) {
        const need = this.want.size - this.got;
        const take = Math.min(need, this.buf.length);
        if (take > 0) {
          this.chunks.push(this.buf.subarray(0, take));
          this.got += take;
          this.buf = this.buf.subarray(take);
        }
        if (this.got < this.want.size) return;
        this.onObject(this.want.path, Buffer.concat(this.chunks));
        this.want = null;
        this.chunks = [];
        this.got = 0;
        continue;
      }
      const nl = this.buf.indexOf(0x0a);
      if (nl < 0) {
        if (this.buf.length > 1024) this.error = 'a header line is too long';
        return;
      }
      const line = this.buf.subarray(0, nl).toString('latin1');
      this.buf = this.buf.subarray(nl + 1);
      const m = /^([0-9a-f]{2}\/[0-9a-f]{62}) (-|\d+)$/.exec(line);
      if (!m) {
        // A login shell may print a banner before the script runs; after the first frame, nothing else is allowed.
        if (!this.framed) continue;
        this.error = `unexpected line ${JSON.stringify(line.slice(0, 80))}`;
        return;
      }
      this.framed = true;
      if (m[2] === '-') {
        this.onObject(m[1]!, null);
        continue;
      }
      const size = Number(m[2]);
      if (size > MAX_OBJECT_BYTES) {
        this.error = `an object of ${size} bytes is over the ${MAX_OBJECT_BYTES}-byte limit`;
        return;
      }
      this.want = { path: m[1]!, size };
      if (size === 0) {
        this.onObject(m[1]!, Buffer.alloc(0));
        this.want = null;
      }
    }
  }
}
