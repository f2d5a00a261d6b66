/**
 * The mirror's durable cursor: one folder per Phoenix target (endpoint +
 * project) beside the store, `<.nemocognition>/mirror/phoenix-<hash>/`:
 *   state.json    {cursor, open, delivered}: every span ended at or before
 *                 `cursor` is confirmed in Phoenix; `open` is what was still
 *                 open at `cursor`. Written to a temp file, fsync'd, renamed,
 *                 folder fsync'd, so a kill at any instant leaves the old or
 *                 the new state, never a torn one.
 *   writer.lock   one mirroring process per target (the store's lock, same rules).
 */
import { createHash, randomBytes } from 'node:crypto';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { fsyncDirSync } from '../store/fsutil';
import { WriterLock } from '../store/lock';
import { StoreLockedError } from '../store/errors';
import { emptyOpenItems, type OpenItems } from './fold';
import { phoenixBaseUrl } from './links';

export const STATE_VERSION = 1;

export interface MirrorState {
  v: number;
  endpoint: string;
  project: string;
  /** Journal seq: every span ended at or before it is confirmed in Phoenix. */
  cursor: number;
  open: OpenItems;
  /** Spans confirmed so far (for progress and the status bar). */
  delivered: number;
  /** The run of the latest confirmed span ("open run in Phoenix"). */
  lastRunId: string | null;
  /** Identity of the journal the cursor belongs to (JournalTail.identity), to notice a recreated store. */
  journal?: string | null;
  updatedAt: number;
}

export class MirrorBusyError extends Error {
  override name = 'MirrorBusyError';
  readonly fix = 'Another NemoCognition window or `nemocog mirror` is already mirroring this workspace to the same Phoenix project; it keeps going. Stop it first if you want to run this one.';
}

/** `<base>/mirror/phoenix-<12 hex of endpoint + project>` where base is the folder holding `store/`. */
export function mirrorDirFor(storeDir: string, endpoint: string, project: string): string {
  const id = createHash('sha256').update(`${phoenixBaseUrl(endpoint)}\n${project}`).digest('hex').slice(0, 12);
  return path.join(path.dirname(path.resolve(storeDir)), 'mirror', `phoenix-${id}`);
}

export function freshState(endpoint: string, project: string): MirrorState {
  return { v: STATE_VERSION, endpoint: phoenixBaseUrl(endpoint), project, cursor: 0, open: emptyOpenItems(), delivered: 0, lastRunId: null, journal: null, updatedAt: Date.now() };
}

/** Reads the state; a missing file is a fresh start. A damaged one is kept aside and the mirror starts over (Phoenix ignores spans it has). */
export function loadState(dir: string, endpoint: string, project: string, warn: (m: string) => void = () => {}): MirrorState {
  const file = path.join(dir, 'state.json');
  let text: string;
  try {
    text = fs.readFileSync(file, 'utf8');
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') return freshState(endpoint, project);
    throw err;
  }
  try {
    const s = JSON.parse(text) as MirrorState;
    if (s.v > STATE_VERSION) throw new Error(`written by a newer NemoCognition (state version ${s.v})`);
    if (!Number.isSafeInteger(s.cursor) || s.cursor < 0 || !s.open || typeof s.open !== 'object') throw new Error('malformed');
    return { ...freshState(endpoint, project), ...s, open: { runs: s.open.runs ?? {}, branches: s.open.branches ?? {}, nodes: s.open.nodes ?? {} } };
  } catch (err) {
    const aside = `${file}.damaged-${Date.now()}`;
    fs.renameSync(file, aside);
    warn(`The Phoenix mirror's cursor file was unreadable (${(err as Error).message}); kept as ${path.basename(aside)}. Mirroring starts over from the first run; Phoenix keeps one copy of each span.`);
    return freshState(endpoint, project);
  }
}

export function saveState(dir: string, s: MirrorState): void {
  fs.mkdirSync(dir, { recursive: true });
  const file = path.join(dir, 'state.json');
  const tmp = `${file}.tmp-${process.pid}-${randomBytes(4).toString('hex')}`;
  const fd = fs.openSync(tmp, 'wx', 0o600);
  try {
    fs.writeSync(fd, JSON.stringify({ ...s, updatedAt: Date.now() }));
    fs.fsyncSync(fd);
  } finally {
    fs.closeSync(fd);
  }
  fs.renameSync(tmp, file);
  fsyncDirSync(dir);
}

/** Takes the target's lock (one mirroring process per workspace + Phoenix project). */
export function lockMirror(dir: string, log: (m: string) => void): WriterLock {
  fs.mkdirSync(dir, { recursive: true });
  let lock: WriterLock;
  try {
    lock = WriterLock.acquire(dir, log);
  } catch (err) {
    if (err instanceof StoreLockedError) throw new MirrorBusyError(err.message.replace(/writing this store/, 'mirroring this workspace to Phoenix'));
    throw err;
  }
  // Temp files of a killed predecessor (only the lock holder writes here).
  for (const name of fs.readdirSync(dir)) if (name.startsWith('state.json.tmp-')) fs.rmSync(path.join(dir, name), { force: true });
  return lock;
}
