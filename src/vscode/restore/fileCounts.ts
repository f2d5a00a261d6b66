/** How a restore or an undo counts what it wrote and removed, in words users read ("1 file", "3 files"). */

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
