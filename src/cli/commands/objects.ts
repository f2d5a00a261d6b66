import { resolve } from 'node:path';
import { parseArgs } from 'node:util';
import { serveObjects } from '../../core/replica/objectServe';
import { CliError } from '../errors';

/**
 * `nemocog objects --store <snapshots folder>`: answers a replica's request
 * for snapshot objects (one `ab/cdef…` path a line on stdin) with each
 * object's content in the framed wire format of replica/objectFetch.ts.
 * Run over SSH by the machine that replicated a remote run; not for people.
 * Reads objects through the store's own reader (packs, deltas), so the
 * requester never depends on how this store lays them out on disk.
 */
export async function objectsCommand(argv: string[]): Promise<number> {
  const { values } = parseArgs({ args: argv, options: { store: { type: 'string' } } });
  if (!values.store) throw new CliError('No snapshot store given.', 'Pass --store <workspace>/.nemocognition/snapshots.');
  await serveObjects(resolve(values.store), process.stdin, process.stdout);
  return 0;
}
