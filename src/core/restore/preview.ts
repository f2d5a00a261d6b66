/**
 * The preview of a restore: every file it would write or delete, with the
 * risky ones flagged (riskFlags.ts), computed from the very plan restore
 * carries out (SnapshotEngine.planRestore), without writing anything.
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import type { SnapshotEngine } from '../snapshots/engine';
import { outsideTarget } from '../snapshots/symlinkTargets';
import { riskFlags, type FileAction, type RiskFlag } from './riskFlags';

export interface PreviewFile {
  path: string;
  action: FileAction;
  flags: RiskFlag[];
}

export interface RestorePreview {
  snapshotId: string;
  root: string;
  /** Files created, modified, given another mode, or recreated as symlinks; sorted. */
  write: PreviewFile[];
  /** Files and (trailing '/') folders deleted; sorted. */
  delete: PreviewFile[];
  /** Every file with at least one flag, writes first. */
  flagged: PreviewFile[];
  /** Symlinks pointing outside the workspace: restore refuses them unless explicitly allowed. */
  outsideSymlinks: Array<{ path: string; target: string }>;
}

const MAX_TEXT = 1024 * 1024;

function lstatOrUndefined(p: string): fs.Stats | undefined {
  try {
    return fs.lstatSync(p);
  } catch {
    return undefined;
  }
}

function readText(p: string): string | undefined {
  try {
    const st = fs.lstatSync(p);
    return st.isFile() && st.size <= MAX_TEXT ? fs.readFileSync(p, 'utf8') : undefined;
  } catch {
    return undefined;
  }
}

export async function previewRestore(engine: SnapshotEngine, snapshotId: string, root: string): Promise<RestorePreview> {
  const rootAbs = fs.realpathSync(root);
  const plan = await engine.planRestore(snapshotId, rootAbs);
  const write: PreviewFile[] = [];
  const del: PreviewFile[] = [];
  const outsideSymlinks: RestorePreview['outsideSymlinks'] = [];
  for (const o of plan) {
    const abs = path.join(rootAbs, ...o.path.split('/'));
    if (o.op === 'unlink' || o.op === 'rmdir') {
      del.push({ path: o.op === 'rmdir' ? `${o.path}/` : o.path, action: 'delete', flags: [] });
      continue;
    }
    if (o.op === 'mkdir') continue;
    const live = lstatOrUndefined(abs);
    const liveFile = live?.isFile() ? live : undefined;
    let action: FileAction;
    let symlinkTarget: string | undefined;
    let outside: string | null = null;
    if (o.op === 'symlink') {
      action = 'symlink';
      symlinkTarget = engine.symlinkTarget(o.entry);
      outside = outsideTarget(rootAbs, o.path, symlinkTarget);
      if (outside !== null) outsideSymlinks.push({ path: o.path, target: symlinkTarget });
    } else action = o.op === 'chmod' ? 'mode' : live ? 'modify' : 'create';
    const flags = riskFlags({
      path: o.path,
      action,
      ...(o.op !== 'symlink' ? { newMode: o.entry.mode } : {}),
      ...(liveFile ? { oldMode: liveFile.mode & 0o777 } : {}),
      newText: () => {
        const b = engine.readFile(snapshotId, o.path);
        return b && b.length <= MAX_TEXT ? b.toString('utf8') : undefined;
      },
      oldText: () => readText(abs),
      ...(symlinkTarget !== undefined ? { symlinkTarget, outsideTarget: outside } : {}),
    });
    write.push({ path: o.path, action, flags });
  }
  const byPath = (a: PreviewFile, b: PreviewFile) => (a.path < b.path ? -1 : a.path > b.path ? 1 : 0);
  write.sort(byPath);
  del.sort(byPath);
  return { snapshotId, root: rootAbs, write, delete: del, flagged: write.filter((f) => f.flags.length > 0), outsideSymlinks };
}

/** Plain-text rendering (the CLI's --dry-run, the VS Code full list): every file, flags beside it. */
export function describePreview(p: RestorePreview, opts: { allowOutsideSymlinks?: boolean } = {}): string {
  const lines: string[] = [];
  const verb: Record<FileAction, string> = { create: 'create', modify: 'write ', mode: 'chmod ', symlink: 'link  ', delete: 'delete' };
  lines.push(`Restore ${p.snapshotId} into ${p.root}: ${p.write.length} file(s) written, ${p.delete.length} deleted.`);
  if (p.flagged.length) {
    lines.push('', `Needs a look (${p.flagged.length}):`);
    for (const f of p.flagged) for (const fl of f.flags) lines.push(`  ! ${f.path}: ${fl.message}`);
  }
  if (p.outsideSymlinks.length) {
    lines.push(
      '',
      opts.allowOutsideSymlinks
        ? `${p.outsideSymlinks.length} symlink(s) pointing outside the workspace WILL be recreated (allowed explicitly).`
        : `Restore will REFUSE: ${p.outsideSymlinks.length} symlink(s) point outside the workspace (allow them explicitly to restore anyway).`,
    );
  }
  if (p.write.length) {
    lines.push('', 'Written:');
    for (const f of p.write) lines.push(`  ${verb[f.action]} ${f.path}${f.flags.length ? `   [${f.flags.map((x) => x.kind).join(', ')}]` : ''}`);
  }
  if (p.delete.length) {
    lines.push('', 'Deleted:');
    for (const f of p.delete) lines.push(`  delete ${f.path}`);
  }
  return lines.join('\n');
}
