/**
 * What a restore of a snapshot into the workspace will do, from
 * diffLive(snapshot, workspace) (pure). diffLive goes snapshot -> workspace:
 * a file only in the workspace ('added') will be deleted; one only in the
 * snapshot ('deleted'), modified or of another type will be written.
 */
import type { FileChange } from '../../core/snapshots/api';

export interface RestorePlanSummary {
  write: string[];
  remove: string[];
}

export function summariseRestore(changes: readonly FileChange[]): RestorePlanSummary {
  const write: string[] = [];
  const remove: string[] = [];
  for (const c of changes) {
    const entry = c.kind === 'added' ? c.after : c.before ?? c.after;
    if (entry?.type === 'dir') continue;
    if (c.kind === 'added') remove.push(c.path);
    else write.push(c.path);
  }
  return { write: write.sort(), remove: remove.sort() };
}

/** The modal's detail text: counts, then the first files of each list. */
export function describePlan(p: RestorePlanSummary, maxListed = 12): string {
  const list = (title: string, files: string[]) => {
    if (files.length === 0) return '';
    const shown = files.slice(0, maxListed).map((f) => `  ${f}`);
    const more = files.length > maxListed ? [`  … and ${files.length - maxListed} more`] : [];
    return [`${title} (${files.length}):`, ...shown, ...more].join('\n');
  };
  return [
    list('Write', p.write),
    list('Delete', p.remove),
    'A safety snapshot of the workspace is taken first: "Undo Last Restore" puts everything back.',
  ]
    .filter(Boolean)
    .join('\n\n');
}

/**
 * Files among the paths a restore deleted: it also removes the folders it
 * emptied ("notes" after "notes/a.txt"), which users do not count as files.
 */
export function deletedFiles(deleted: readonly string[]): string[] {
  const all = new Set(deleted);
  const parents = new Set<string>();
  for (const p of all) for (let i = p.indexOf('/'); i > 0; i = p.indexOf('/', i + 1)) parents.add(p.slice(0, i));
  return deleted.filter((p) => !parents.has(p));
}

/** "1 file", "3 files". */
export function files(n: number): string {
  return `${n} file${n === 1 ? '' : 's'}`;
}
