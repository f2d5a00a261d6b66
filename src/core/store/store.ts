/**
 * The crash-safe store. The journal (append-only, checksummed, fdatasync'd) is
 * the source of truth; sql.js holds a materialised view for queries, exported
 * atomically now and then so that opening only replays the journal's tail.
 *
 * append() validates the event against the view plus the events still in
 * flight, so a refused event never reaches the disk; it resolves only once its
 * batch is fdatasync'd (appends issued in the same tick share one sync).
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import type { Database } from 'sql.js';
import { EVENT_SCHEMA_VERSION, type JournalRecord, type SnapshotRecorded, type StoreEvent } from '../model/events';
import { nodeToSpan, type SpanRecord } from '../model/spans';
import type { Branch, Node, Run } from '../model/types';
import { applyRecord } from './apply';
import type { AttributionFact } from './attribution';
import { StoreDamagedError, StoreOpenError, StoreRefusedError, StoreWriteError } from './errors';
import { loadExport, removeStaleTemps, writeExport } from './exportfile';
import { fsyncDirSync } from './fsutil';
import { Journal } from './journal';
import { WriterLock } from './lock';
import * as q from './queries';
import { MAX_PAYLOAD_BYTES } from './record';
import { describeRange, mergeLost, type LostRange } from './recovery';
import { migrate, SCHEMA_VERSION, schemaVersionOf, writeMeta } from './schema';
import { loadSqlJs } from './sqljs';
import { DbState, OverlayState } from './state';
import { validateEvent } from './validate';

export { StoreDamagedError, StoreLockedError, StoreOpenError, StoreRefusedError, StoreWriteError } from './errors';

export type StoreLog = (level: 'info' | 'warn' | 'error', msg: string) => void;

export interface StoreOptions {
  /** Path of sql.js's `sql-wasm.wasm`; found next to the bundle or in node_modules when omitted. */
  wasmPath?: string;
  log?: StoreLog;
  /** Export the database after this many events (default 500). */
  exportEvery?: number;
  /** ...or after this long with unexported events (default 30 s). */
  exportIntervalMs?: number;
  /** Journal segment size before rolling to a new file (default 32 MiB). */
  segmentBytes?: number;
  /**
   * Open for reading only, alongside a live writer (another window, the CLI): no lock, nothing on disk is
   * changed (no export, no tail truncation, a corrupt export is left in place), appends are refused.
   * Call refresh() to pick up what the writer appended since.
   */
  readOnly?: boolean;
}

export interface OpenReport {
  warnings: string[];
  /** Journal records applied on top of the export. */
  replayed: number;
  /** The view was rebuilt from the whole journal (no usable export). */
  rebuiltFromJournal: boolean;
  /** Where a corrupt export was moved (kept, never deleted). */
  corruptBackup?: string;
  /** Schema version of the export before migrations ran (when it was older). */
  migratedFrom?: number;
  /** Journal seq included in the export that was loaded (0 if none). */
  exportSeq: number;
  /**
   * Events no intact journal record holds (damage found at this open or reported earlier, or journal files
   * removed), each marked when the database export still has it. readJournal() skips these, and only these.
   */
  lostEvents: LostRange[];
  /** Journal segments found damaged at this open: copied aside (`keptAs`, relative to the store) and rewritten. */
  damagedSegments: Array<{ segment: string; keptAs: string | null }>;
}

interface Pending {
  event: StoreEvent;
  payload: string;
  resolve: (seq: number) => void;
  reject: (err: unknown) => void;
}

/** Older journal record versions are upgraded here; newer ones cannot be read. */
function upgradeRecord(rec: JournalRecord, where: string): JournalRecord {
  if (rec.v > EVENT_SCHEMA_VERSION) {
    throw new StoreOpenError(
      `The journal in ${where} holds events written by a newer NemoCognition (event version ${rec.v}; this one reads up to ${EVENT_SCHEMA_VERSION}). ` +
        `Update the NemoCognition extension/CLI to open this store.`,
    );
  }
  return rec;
}

export class Store {
  private queue: Pending[] = [];
  /** The batch being written: accepted, not yet durable, already counted in `overlay`. */
  private inflightEvents: StoreEvent[] = [];
  private flushing: Promise<void> | null = null;
  private scheduled = false;
  private closed = false;
  private sinceExport = 0;
  private exportChain: Promise<void> = Promise.resolve();
  private exportQueued = false;
  private timer: NodeJS.Timeout | null = null;
  private readonly overlay: OverlayState;
  private readonly exportEvery: number;
  private readonly log: StoreLog;
  readonly readOnly: boolean;

  private constructor(
    readonly dir: string,
    private db: Database,
    private readonly journal: Journal,
    private readonly lock: WriterLock | null,
    private exportHash: string | null,
    readonly openReport: OpenReport,
    opts: StoreOptions,
  ) {
    this.overlay = new OverlayState(new DbState(() => this.db));
    this.exportEvery = Math.max(1, opts.exportEvery ?? 500);
    this.log = opts.log ?? (() => {});
    this.readOnly = !!opts.readOnly;
    const interval = opts.exportIntervalMs ?? 30_000;
    if (interval > 0 && !this.readOnly) {
      this.timer = setInterval(() => {
        if (this.sinceExport > 0) this.scheduleExport();
      }, interval);
      this.timer.unref();
    }
  }

  static async open(dir: string, opts: StoreOptions = {}): Promise<Store> {
    const log: StoreLog = opts.log ?? (() => {});
    const storeDir = path.resolve(dir);
    const readOnly = !!opts.readOnly;
    if (readOnly) {
      if (!fs.existsSync(storeDir)) throw new StoreOpenError(`There is no NemoCognition store at ${storeDir}; it is created by the first supervised run.`);
    } else {
      const journalDir = path.join(storeDir, 'journal');
      const created = fs.mkdirSync(journalDir, { recursive: true });
      // New folders' entries must be durable too, from the first one created down to journal/.
      if (created) {
        for (let d = journalDir; ; d = path.dirname(d)) {
          fsyncDirSync(path.dirname(d));
          if (d === created || path.dirname(d) === d) break;
        }
      }
    }
    const lock = readOnly ? null : WriterLock.acquire(storeDir, (m) => log('warn', m));
    let db: Database | null = null;
    let journal: Journal | null = null;
    try {
      const SQL = await loadSqlJs(opts.wasmPath);
      if (!readOnly) removeStaleTemps(storeDir);
      const warnings: string[] = [];
      const warn = (m: string) => {
        warnings.push(m);
        log('warn', m);
      };
      const report: OpenReport = { warnings, replayed: 0, rebuiltFromJournal: false, exportSeq: 0, lostEvents: [], damagedSegments: [] };
      const loaded = loadExport(storeDir, SQL, readOnly);
      let exportHash: string | null = null;
      if (loaded.kind === 'ok') {
        db = loaded.db;
        report.exportSeq = loaded.seq;
        exportHash = loaded.hash;
        loaded.warnings.forEach(warn);
        const from = schemaVersionOf(db);
        if (migrate(db).length > 0) {
          report.migratedFrom = from;
          log('info', `Migrated the store's database from schema version ${from} to ${SCHEMA_VERSION}.`);
        }
      } else {
        db = new SQL.Database();
        migrate(db);
        writeMeta(db, 'journal_seq', 0);
        if (loaded.kind === 'corrupt') {
          report.rebuiltFromJournal = true;
          if (loaded.backup) {
            report.corruptBackup = loaded.backup;
            warn(
              `The database export was corrupt (${loaded.reason}). It was kept as ${path.basename(loaded.backup)} ` +
                `and the database was rebuilt from the journal; no recorded event is lost.`,
            );
          } else {
            warn(`The database export is corrupt (${loaded.reason}); rebuilt from the journal in memory (opened read-only, the file is left as it is).`);
          }
        }
      }
      const opened = Journal.openSync(path.join(storeDir, 'journal'), report.exportSeq, opts.segmentBytes, readOnly);
      journal = opened.journal;
      opened.recovery.warnings.forEach(warn);
      report.lostEvents = opened.recovery.lost;
      report.damagedSegments = opened.recovery.damaged;
      if (loaded.kind === 'none' && opened.recovery.records.length > 0) report.rebuiltFromJournal = true;
      if (report.exportSeq > opened.recovery.lastSeq) {
        warn(
          `The database export includes events up to #${report.exportSeq} but the journal ends at #${opened.recovery.lastSeq}: ` +
            `journal files were removed or cut short. The export's data is kept; new events continue from #${report.exportSeq + 1}.`,
        );
        report.lostEvents = mergeLost([...report.lostEvents, { from: opened.recovery.lastSeq + 1, to: report.exportSeq, inExport: true }]);
        journal.bumpSeq(report.exportSeq);
      }
      const records = opened.recovery.records.map((r) => upgradeRecord(r, storeDir));
      if (records.length > 0) {
        db.exec('BEGIN');
        for (const rec of records) {
          try {
            applyRecord(db, rec);
          } catch (err) {
            warn(`Journal event #${rec.seq} (${rec.event.type}) could not be applied to the database and was skipped: ${String(err)}`);
          }
        }
        writeMeta(db, 'journal_seq', records[records.length - 1]!.seq);
        db.exec('COMMIT');
        report.replayed = records.length;
      }
      const store = new Store(storeDir, db, journal, lock, exportHash, report, opts);
      // A replayed tail is exported by the usual threshold/timer/close, keeping open fast; a rebuilt or migrated
      // view is exported at once, so the corrupt/old file is replaced before anything else happens.
      store.sinceExport = readOnly ? 0 : report.replayed;
      if (readOnly) return store;
      if (report.migratedFrom !== undefined || loaded.kind !== 'ok') {
        if (report.replayed > 0 || loaded.kind !== 'none') {
          await store.exportNow().catch((err) => warn(`Could not write the database export after opening (${err instanceof Error ? err.message : String(err)})`));
        }
      } else if (store.sinceExport >= store.exportEvery) store.scheduleExport();
      return store;
    } catch (err) {
      journal?.close();
      try {
        db?.close();
      } catch {
        // already closed
      }
      lock?.release();
      throw err;
    }
  }

  /** Seq of the last acknowledged (fsync'd) event. */
  get lastSeq(): number {
    return this.journal.lastSeq;
  }

  /** Counters for benchmarks and tests. */
  get stats(): { syncs: number; lastSeq: number } {
    return { syncs: this.journal.syncs, lastSeq: this.journal.lastSeq };
  }

  append(event: StoreEvent): Promise<number> {
    return this.appendMany([event]).then((seqs) => seqs[0]!);
  }

  /** All or nothing at validation: if one event is refused, none is journaled. They share one fsync. */
  appendMany(events: StoreEvent[]): Promise<number[]> {
    if (this.closed) return Promise.reject(new StoreRefusedError(`The store at ${this.dir} is closed; reopen it to record more events.`));
    if (this.readOnly) return Promise.reject(new StoreRefusedError(`The store at ${this.dir} was opened read-only; open it without readOnly to record events.`));
    const accepted: Array<Omit<Pending, 'resolve' | 'reject'>> = [];
    try {
      for (const event of events) {
        validateEvent(event, this.overlay);
        const payload = JSON.stringify(event);
        if (Buffer.byteLength(payload) > MAX_PAYLOAD_BYTES - 1024) {
          throw new StoreRefusedError(
            `Event ${event.type} is ${Buffer.byteLength(payload)} bytes, over the store's ${MAX_PAYLOAD_BYTES} byte limit per event; truncate large attributes (e.g. tool output) before recording.`,
          );
        }
        this.overlay.note(event);
        accepted.push({ event, payload });
      }
    } catch (err) {
      this.overlay.reset(this.inflightEvents.concat(this.queue.map((p) => p.event))); // in write order
      return Promise.reject(err);
    }
    const promises = accepted.map(
      (a) =>
        new Promise<number>((resolve, reject) => {
          this.queue.push({ ...a, resolve, reject });
        }),
    );
    this.schedule();
    return Promise.all(promises);
  }

  private schedule(): void {
    if (this.scheduled || this.flushing) return;
    this.scheduled = true;
    // setImmediate, not a microtask: every append issued in this tick joins the batch.
    setImmediate(() => {
      this.scheduled = false;
      this.flushing = this.flushLoop().finally(() => {
        this.flushing = null;
        if (this.queue.length > 0) this.schedule();
      });
    });
  }

  private async flushLoop(): Promise<void> {
    while (this.queue.length > 0) {
      const batch = this.queue.splice(0);
      this.inflightEvents = batch.map((p) => p.event);
      const ts = Date.now();
      const first = this.journal.lastSeq + 1;
      const recs = batch.map((p, i) => {
        const seq = first + i;
        return { seq, payload: Buffer.from(`{"v":${EVENT_SCHEMA_VERSION},"seq":${seq},"ts":${ts},"event":${p.payload}}`, 'utf8') };
      });
      try {
        await this.journal.write(recs);
      } catch (err) {
        this.inflightEvents = [];
        const e = err instanceof StoreWriteError ? err : new StoreWriteError(String(err));
        this.log('error', e.message);
        for (const p of batch) p.reject(e);
        this.revalidateQueue();
        continue;
      }
      this.inflightEvents = [];
      this.applyBatch(recs.map((r, i) => ({ v: EVENT_SCHEMA_VERSION, seq: r.seq, ts, event: JSON.parse(batch[i]!.payload) as StoreEvent })));
      this.overlay.reset(this.queue.map((p) => p.event));
      batch.forEach((p, i) => p.resolve(recs[i]!.seq));
      this.sinceExport += batch.length;
      if (this.sinceExport >= this.exportEvery) this.scheduleExport();
    }
  }

  /** After a failed write, queued events were validated against events that never landed: check them again. */
  private revalidateQueue(): void {
    const queued = this.queue.splice(0);
    this.overlay.reset([]);
    for (const p of queued) {
      try {
        validateEvent(p.event, this.overlay);
        this.overlay.note(p.event);
        this.queue.push(p);
      } catch (err) {
        p.reject(err);
      }
    }
  }

  private applyBatch(recs: JournalRecord[]): void {
    try {
      this.db.exec('BEGIN');
      for (const rec of recs) {
        try {
          applyRecord(this.db, rec);
        } catch (err) {
          this.log('error', `Event #${rec.seq} is recorded in the journal but could not be applied to the database (it will be retried on the next open): ${String(err)}`);
        }
      }
      writeMeta(this.db, 'journal_seq', recs[recs.length - 1]!.seq);
      this.db.exec('COMMIT');
    } catch (err) {
      this.log('error', `The database view could not be updated (${String(err)}); the events are safe in the journal and the view is rebuilt on the next open.`);
      try {
        this.db.exec('ROLLBACK');
      } catch {
        // no transaction open
      }
    }
  }

  private scheduleExport(): void {
    if (this.exportQueued) return;
    this.exportQueued = true;
    this.exportChain = this.exportChain.then(async () => {
      this.exportQueued = false;
      try {
        await this.doExport();
      } catch (err) {
        this.log('warn', `Could not write the database export (the journal still holds every event): ${err instanceof Error ? err.message : String(err)}`);
      }
    });
  }

  private async doExport(): Promise<void> {
    const pendingCount = this.sinceExport;
    const bytes = this.db.export();
    this.exportHash = await writeExport(this.dir, bytes, this.exportHash);
    this.sinceExport = Math.max(0, this.sinceExport - pendingCount);
  }

  /** Exports now (after any export already under way). Rejects with StoreWriteError if it cannot be written. */
  exportNow(): Promise<void> {
    const p = this.exportChain.then(() => this.doExport());
    this.exportChain = p.catch(() => {});
    return p;
  }

  private async drain(): Promise<void> {
    while (this.scheduled || this.flushing || this.queue.length > 0) {
      if (this.flushing) await this.flushing.catch(() => {});
      else await new Promise<void>((r) => setImmediate(r));
    }
  }

  /** Waits for pending appends, exports, releases the lock. Further appends are refused. */
  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    await this.drain();
    if (this.timer) clearInterval(this.timer);
    await this.exportChain;
    if (this.sinceExport > 0 && !this.readOnly) {
      await this.doExport().catch((err) =>
        this.log('warn', `Could not write the final database export (the journal still holds every event): ${err instanceof Error ? err.message : String(err)}`),
      );
    }
    this.journal.close();
    this.db.close();
    this.lock?.release();
  }

  /**
   * Read-only stores: applies what the writer appended since the last open/refresh and returns how many
   * events that was (0 for a writer, whose view is always current).
   */
  refresh(): number {
    if (!this.readOnly || this.closed) return 0;
    const after = this.journal.lastSeq;
    const recs = this.journal.readNew(after).map((r) => upgradeRecord(r, this.dir));
    let expect = after + 1;
    for (const r of recs) {
      const gap = { from: expect, to: r.seq - 1, inExport: false };
      if (r.seq > expect && !this.isKnownLoss(gap)) this.log('warn', `Journal: ${describeRange(gap)} could not be read while following the writer (damaged on disk?); reopen the store to repair and report it.`);
      expect = r.seq + 1;
    }
    if (recs.length > 0) this.applyBatch(recs);
    return recs.length;
  }

  private isKnownLoss(gap: LostRange): boolean {
    // Every seq of the gap must lie in some known range (ranges are merged, so one range covers it).
    return this.openReport.lostEvents.some((l) => l.from <= gap.from && gap.to <= l.to);
  }

  // ---- queries -----------------------------------------------------------

  listRuns(): Run[] {
    return q.listRuns(this.db);
  }
  getRun(runId: string): Run | undefined {
    return q.getRun(this.db, runId);
  }
  branchesOf(runId: string): Branch[] {
    return q.branchesOf(this.db, runId);
  }
  getBranch(branchId: string): Branch | undefined {
    return q.getBranch(this.db, branchId);
  }
  nodesOfBranch(branchId: string): Node[] {
    return q.nodesOfBranch(this.db, branchId);
  }
  nodesOfRun(runId: string): Node[] {
    return q.nodesOfRun(this.db, runId);
  }
  getNode(nodeId: string): Node | undefined {
    return q.getNode(this.db, nodeId);
  }
  /** The node's span first, then the spans of every node causally under it (parentNodeId chain). */
  spansOfNode(nodeId: string): SpanRecord[] {
    const now = Date.now();
    return q.nodeWithDescendants(this.db, nodeId).map((n) => nodeToSpan(n, now));
  }
  /** Undefined when the node has no snapshot or its snapshot.recorded event is not in the store. */
  snapshotOfNode(nodeId: string): { snapshotId: string; root: string } | undefined {
    const node = this.getNode(nodeId);
    if (!node?.snapshotId) return undefined;
    const s = this.snapshot(node.snapshotId);
    return s ? { snapshotId: s.snapshotId, root: s.root } : undefined;
  }
  snapshot(snapshotId: string): SnapshotRecorded | undefined {
    return q.snapshot(this.db, snapshotId);
  }
  /** Disjoint line ranges of `path` (workspace-relative), each with the node that last wrote it (by time, then journal order). */
  attributionFor(path: string, runId?: string): AttributionFact[] {
    return q.attributionFor(this.db, path, runId);
  }

  /** Every attribution fact of a file in write order (attributionFor keeps only the last writer of each line). */
  attributionHistoryFor(path: string, runId?: string): AttributionFact[] {
    return q.attributionHistoryFor(this.db, path, runId);
  }

  /** What each step of a branch wrote in a file, in write order (for markers that follow the text). */
  attributionStepsOf(path: string, branchId: string): q.AttributionStep[] {
    return q.attributionStepsOf(this.db, path, branchId);
  }

  /**
   * Acknowledged records after `afterSeq`, read from the journal files: a sink's own cursor (e.g. the Phoenix
   * mirror). Nothing is skipped silently: the only gaps it passes over are `openReport.lostEvents` (reported at
   * open); any other record it cannot read (the files changed since open) is a StoreDamagedError.
   */
  readJournal(afterSeq: number): Iterable<JournalRecord> {
    const upto = this.lastSeq;
    const where = this.dir;
    const journal = this.journal;
    const known = (gap: LostRange) => this.isKnownLoss(gap);
    return {
      *[Symbol.iterator]() {
        let expect = afterSeq + 1;
        const check = (to: number) => {
          const gap = { from: expect, to, inExport: false };
          if (to >= expect && !known(gap)) {
            throw new StoreDamagedError(
              `The journal in ${where} no longer holds ${describeRange(gap)}: its files changed on disk since the store was opened. ` +
                'Reopen the store: it repairs the journal and reports exactly what was lost.',
            );
          }
        };
        for (const rec of journal.read(afterSeq, upto)) {
          check(rec.seq - 1);
          expect = rec.seq + 1;
          yield upgradeRecord(rec, where);
        }
        check(upto);
      },
    };
  }
}
