/**
 * Snapshot content of a replicated run, fetched on first need and cached in
 * the local snapshot store. The local store holds the run's record (which
 * snapshot each step points at, and its root tree hash); the content stays
 * where the run happened until a diff or a restore needs it:
 * - a diff of one file: the snapshot's trees, then that file's blob;
 * - a restore: the trees, then the blobs of files that differ from the workspace.
 * Trees come first and whole (they are small): only then is a local ref
 * written, so garbage collection never meets a ref whose trees are missing.
 * Fetched objects are verified against their hashes before they are stored.
 */
import * as path from 'node:path';
import type { SnapshotRecorded } from '../model/events';
import { NemoClawDriver } from '../sandbox/nemoclaw/driver';
import { SshTransport } from '../sandbox/ssh';
import type { SnapshotEngine } from '../snapshots/engine';
import type { ObjectKind } from '../snapshots/objects';
import { parseTree } from '../snapshots/tree';
import { fetchObjects, type WantedObject } from './objectFetch';
import { loadOrigin, stateDir, type RunOrigin, type SnapshotSource } from './origins';

export interface SnapshotRecords {
  snapshot(snapshotId: string): SnapshotRecorded | undefined;
}

interface Connection {
  source: SnapshotSource;
  transport: SshTransport;
  close(): Promise<void>;
}

export interface RemoteSnapshotsOptions {
  /** Where run origins are kept (default: stateDir()). */
  stateDir?: string;
  /** Progress for the user ("Fetching 12 objects from …"). */
  log?: (text: string) => void;
}

export class RemoteSnapshotError extends Error {
  constructor(message: string, readonly fix: string) {
    super(message);
    this.name = 'RemoteSnapshotError';
  }
}

export class RemoteSnapshots {
  private readonly connections = new Map<string, Promise<Connection>>();
  /** Objects fetched over the network since this instance was created (tests, progress). */
  fetched = 0;

  constructor(
    private readonly engine: SnapshotEngine,
    private readonly records: SnapshotRecords,
    private readonly opts: RemoteSnapshotsOptions = {},
  ) {}

  /** True when the snapshot is not local but its run was replicated from elsewhere. */
  isRemote(snapshotId: string): boolean {
    if (this.engine.get(snapshotId)) return false;
    const rec = this.records.snapshot(snapshotId);
    return !!rec?.runId && !!loadOrigin(rec.runId, this.opts.stateDir ?? stateDir());
  }

  /** Makes the snapshot's trees local (and its ref): enough for listings, entryAt and diffs of tree shape. */
  async ensureTrees(snapshotId: string): Promise<void> {
    if (this.engine.get(snapshotId)) return;
    const { rec, origin } = this.originOf(snapshotId);
    let level = [rec.root];
    const seen = new Set<string>();
    while (level.length > 0) {
      await this.fetch(origin, level.filter((h) => !this.engine.objects.has(h)).map((hash) => ({ hash, kind: 't' as ObjectKind })));
      const next: string[] = [];
      for (const h of level) {
        for (const e of parseTree(h, this.engine.objects.read(h, 't'))) {
          if (e.type === 'dir' && !seen.has(e.hash)) {
            seen.add(e.hash);
            next.push(e.hash);
          }
        }
      }
      level = next;
    }
    this.engine.refs.write({
      id: snapshotId,
      root: rec.root,
      parentId: rec.parentSnapshotId,
      createdAt: rec.at,
      fileCount: rec.fileCount,
      changedCount: rec.changedCount,
      bytesWritten: 0,
      reason: rec.reason,
      rootPath: `replica:${origin.runId}`,
      changeSource: 'full-scan',
      note: `fetched from ${origin.sources.map(describeSource).join(', ')}`,
      stats: { lstats: 0, hashed: 0, events: 0, ms: 0 },
    });
  }

  /** Makes one file of the snapshot readable locally (engine.readFile). */
  async ensureFile(snapshotId: string, relPath: string): Promise<void> {
    const remote = this.isReplica(snapshotId);
    await this.ensureTrees(snapshotId);
    const e = this.engine.entryAt(snapshotId, relPath);
    if (!remote || !e || e.type === 'dir' || this.engine.objects.has(e.hash)) return;
    const { origin } = this.originOf(snapshotId);
    await this.fetch(origin, [{ hash: e.hash, kind: 'b' }]);
  }

  /** Makes everything a restore of the snapshot into `workspace` will write available locally. */
  async ensureForRestore(snapshotId: string, workspace: string): Promise<void> {
    const remote = this.isReplica(snapshotId);
    await this.ensureTrees(snapshotId);
    if (!remote) return;
    const changes = await this.engine.diffLive(snapshotId, workspace);
    const wanted = new Map<string, WantedObject>();
    for (const c of changes) {
      const e = c.before;
      if (e && e.type !== 'dir' && !this.engine.objects.has(e.hash)) wanted.set(e.hash, { hash: e.hash, kind: 'b' });
    }
    if (wanted.size === 0) return;
    const rec = this.records.snapshot(snapshotId);
    const origin = rec?.runId ? loadOrigin(rec.runId, this.opts.stateDir ?? stateDir()) : undefined;
    if (!origin) return; // a local snapshot: the engine reports what is missing itself
    await this.fetch(origin, [...wanted.values()]);
  }

  async close(): Promise<void> {
    const all = [...this.connections.values()];
    this.connections.clear();
    for (const c of await Promise.allSettled(all)) if (c.status === 'fulfilled') await c.value.close().catch(() => undefined);
  }

  /** Not taken here: no ref yet, or a replica ref (written by ensureTrees) whose blobs may still be missing. */
  private isReplica(snapshotId: string): boolean {
    const ref = this.engine.get(snapshotId);
    return !ref || ref.rootPath.startsWith('replica:');
  }

  private originOf(snapshotId: string): { rec: SnapshotRecorded; origin: RunOrigin } {
    const rec = this.records.snapshot(snapshotId);
    if (!rec) {
      throw new RemoteSnapshotError(`Snapshot ${snapshotId} is not recorded in this workspace's store.`, 'Reopen the Replay view and pick the step again.');
    }
    const origin = rec.runId ? loadOrigin(rec.runId, this.opts.stateDir ?? stateDir()) : undefined;
    if (!origin || origin.sources.length === 0) {
      throw new RemoteSnapshotError(
        `Snapshot ${snapshotId} is not in this workspace's snapshot store, and its run was not replicated from a remote host on this machine.`,
        'Open the workspace where the run happened (or a Remote-SSH window on its host) to compare or restore this step.',
      );
    }
    return { rec, origin };
  }

  /** Asks each source in turn for what is still missing; content-addressed, so any source that has an object is right. */
  private async fetch(origin: RunOrigin, wanted: WantedObject[]): Promise<void> {
    let left = wanted.filter((w) => !this.engine.objects.has(w.hash));
    if (left.length === 0) return;
    const problems: string[] = [];
    for (const source of origin.sources) {
      if (left.length === 0) break;
      let conn: Connection;
      try {
        conn = await this.connection(source);
      } catch (e) {
        problems.push(`${describeSource(source)}: ${(e as Error).message}`);
        continue;
      }
      this.opts.log?.(`Fetching ${left.length} snapshot object(s) from ${describeSource(source)}`);
      const r = await fetchObjects(conn.transport, path.posix.join(source.snapshotsDir, 'objects'), left, this.engine.objects, source.cli);
      this.fetched += r.stored.length;
      for (const x of r.rejected) problems.push(`${describeSource(source)} sent a bad copy of ${x.hash.slice(0, 12)} (${x.why})`);
      left = left.filter((w) => !this.engine.objects.has(w.hash));
    }
    if (left.length > 0) {
      throw new RemoteSnapshotError(
        `${left.length} snapshot object(s) of run ${origin.runId} could not be fetched (${left[0]!.hash.slice(0, 12)}…)${problems.length ? `: ${problems.join('; ')}` : ''}.`,
        `Check that ${origin.sources.map(describeSource).join(' or ')} is reachable and still holds the run's snapshots (a garbage collection or a deleted sandbox removes them).`,
      );
    }
  }

  private connection(source: SnapshotSource): Promise<Connection> {
    const key = JSON.stringify(source);
    let c = this.connections.get(key);
    if (!c) {
      c = connect(source);
      c.catch(() => this.connections.delete(key));
      this.connections.set(key, c);
    }
    return c;
  }
}

async function connect(source: SnapshotSource): Promise<Connection> {
  if (source.kind === 'ssh') {
    const transport = new SshTransport({ host: source.host, configFile: source.configFile });
    return { source, transport, close: () => transport.close() };
  }
  const driver = new NemoClawDriver({ nemoclawPath: source.nemoclawPath, openshellPath: source.openshellPath, sshPath: source.sshPath });
  const transport = await driver.transport(source.sandbox);
  return { source, transport, close: () => driver.dispose() };
}

export function describeSource(s: SnapshotSource): string {
  return s.kind === 'ssh' ? `ssh:${s.host}` : `nemoclaw:${s.sandbox}`;
}
