/**
 * Where a replicated run's snapshot content lives: the SSH host or the
 * NemoClaw sandboxes that ran it. Kept per user (never in the workspace: a
 * repository could otherwise ship an "origin" that points a later diff at a
 * host or ssh config of its choosing), one JSON file per run:
 * `$NEMOCOG_STATE_DIR/remote-runs/<runId>.json`, by default under
 * `$XDG_STATE_HOME/nemocognition` (or `~/.local/state/nemocognition`).
 */
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';

export type SnapshotSource =
  | {
      kind: 'ssh';
      /** Host alias (from ~/.ssh/config or configFile) or user@host. */
      host: string;
      configFile?: string;
      /** The remote snapshot store folder (absolute on the remote host). */
      snapshotsDir: string;
      /** NemoCognition's CLI there (`nemocog objects` serves the store's objects); unset: read object files directly. */
      cli?: string[];
    }
  | {
      kind: 'nemoclaw';
      /** Sandbox name: its ssh-config comes from `openshell sandbox ssh-config <name>`. */
      sandbox: string;
      /** The snapshot store folder, relative to the sandbox's working directory (or absolute). */
      snapshotsDir: string;
      /** NemoCognition's CLI inside the sandbox (see the ssh kind). */
      cli?: string[];
      nemoclawPath?: string;
      openshellPath?: string;
      sshPath?: string;
    };

export interface RunOrigin {
  v: 1;
  runId: string;
  /** The local workspace whose store holds the replica. */
  workspace: string;
  /** Where to look for snapshot objects, in order (content-addressed: any source that has one is right). */
  sources: SnapshotSource[];
  savedAt: number;
}

const RUN_ID = /^[A-Za-z0-9_-]{1,100}$/;

export function stateDir(): string {
  if (process.env.NEMOCOG_STATE_DIR) return process.env.NEMOCOG_STATE_DIR;
  const base = process.env.XDG_STATE_HOME || path.join(os.homedir(), '.local', 'state');
  return path.join(base, 'nemocognition');
}

function fileFor(runId: string, dir = stateDir()): string {
  if (!RUN_ID.test(runId)) throw new Error(`"${runId}" is not a run id.`);
  return path.join(dir, 'remote-runs', `${runId}.json`);
}

export function saveOrigin(origin: RunOrigin, dir = stateDir()): void {
  const file = fileFor(origin.runId, dir);
  fs.mkdirSync(path.dirname(file), { recursive: true, mode: 0o700 });
  const tmp = `${file}.tmp-${process.pid}`;
  fs.writeFileSync(tmp, JSON.stringify(origin, null, 2), { mode: 0o600 });
  fs.renameSync(tmp, file);
}

/** Adds a source to a run's origin (created when missing). */
export function addSource(runId: string, workspace: string, source: SnapshotSource, dir = stateDir()): RunOrigin {
  const o = loadOrigin(runId, dir) ?? { v: 1 as const, runId, workspace, sources: [], savedAt: Date.now() };
  if (!o.sources.some((s) => JSON.stringify(s) === JSON.stringify(source))) o.sources.push(source);
  o.savedAt = Date.now();
  saveOrigin(o, dir);
  return o;
}

/** The origin of a replicated run, or undefined for a run recorded on this machine. */
export function loadOrigin(runId: string, dir = stateDir()): RunOrigin | undefined {
  let text: string;
  try {
    text = fs.readFileSync(fileFor(runId, dir), 'utf8');
  } catch {
    return undefined;
  }
  const o = JSON.parse(text) as RunOrigin;
  if (o?.v !== 1 || o.runId !== runId || !Array.isArray(o.sources)) return undefined;
  return { ...o, sources: o.sources.filter(validSource) };
}

function validSource(s: SnapshotSource): boolean {
  if (!s || typeof s.snapshotsDir !== 'string' || s.snapshotsDir.length === 0) return false;
  if (s.cli !== undefined && !(Array.isArray(s.cli) && s.cli.length > 0 && s.cli.every((a) => typeof a === 'string'))) return false;
  if (s.kind === 'ssh') return typeof s.host === 'string' && /^[A-Za-z0-9_.@:[\]-]+$/.test(s.host) && !s.host.startsWith('-');
  if (s.kind === 'nemoclaw') return typeof s.sandbox === 'string' && /^[A-Za-z0-9][A-Za-z0-9._-]{0,62}$/.test(s.sandbox);
  return false;
}
