import { existsSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { parseArgs } from 'node:util';
import { RemoteSnapshots } from '../../core/replica/remoteSnapshots';
import { restoreTarget } from '../../core/run/restoreTarget';
import { SnapshotEngine } from '../../core/snapshots/engine';
import { nemocogDir, storeDirFor } from '../../core/store/paths';
import { Store } from '../../core/store/store';
import { CliError } from '../errors';

/**
 * Prints what a step's snapshot holds: the files that differ from the
 * workspace, or one file's bytes with --path. For a run replicated from an
 * SSH host or a NemoClaw sandbox, the content is fetched over SSH on first
 * need and cached in the workspace's snapshot store.
 */
export async function showCommand(argv: string[]): Promise<number> {
  const { values, positionals } = parseArgs({
    args: argv,
    allowPositionals: true,
    options: { node: { type: 'string' }, path: { type: 'string' }, json: { type: 'boolean' } },
  });
  const ws = resolve(positionals[0] ?? '.');
  if (!values.node) throw new CliError('Say which step.', 'Pass --node <nodeId> (see `nemocog inspect --json`).');
  if (!existsSync(storeDirFor(ws))) throw new CliError(`No NemoCognition store in ${ws}.`, 'Run `nemocog run` there first.');
  const store = await Store.open(storeDirFor(ws), { readOnly: true });
  const engine = await SnapshotEngine.open(join(nemocogDir(ws), 'snapshots'), { changeSource: 'full-scan' });
  const remote = new RemoteSnapshots(engine, store, { log: (t) => console.error(t) });
  try {
    const t = restoreTarget(store, { nodeId: values.node });
    if (!t) throw new CliError(`Step ${values.node} has no snapshot.`, 'Pick a checkpoint or tool-call node (`nemocog inspect --json` lists them).');
    if (values.path) {
      await remote.ensureFile(t.snapshotId, values.path);
      const bytes = engine.readFile(t.snapshotId, values.path);
      if (!bytes) throw new CliError(`${values.path} is not in the snapshot of step ${values.node}.`, 'Run without --path to list what the snapshot holds.');
      process.stdout.write(bytes);
      return 0;
    }
    await remote.ensureTrees(t.snapshotId);
    const changes = await engine.diffLive(t.snapshotId, ws);
    const files = changes.filter((c) => (c.before ?? c.after)?.type !== 'dir');
    if (values.json) console.log(JSON.stringify(files.map((c) => ({ path: c.path, kind: c.kind })), null, 2));
    else if (files.length === 0) console.log(`The workspace matches the snapshot of step ${values.node}.`);
    else for (const c of files) console.log(`${c.kind.padEnd(12)} ${c.path}`);
    return 0;
  } finally {
    await remote.close();
    engine.close();
    await store.close();
  }
}
