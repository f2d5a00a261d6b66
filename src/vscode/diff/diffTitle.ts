/** The diff editor's title, left side first: "README.md (workspace ↔ step 7)" (pure, no vscode import). */
export function snapshotDiffTitle(relPath: string, seq: number): string {
  const base = relPath.split('/').filter(Boolean).at(-1) ?? relPath;
  return `${base} (workspace ↔ step ${seq + 1})`;
}
