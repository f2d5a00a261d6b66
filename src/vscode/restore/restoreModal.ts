/**
 * The restore confirmation (pure, so it is tested without VS Code): a modal
 * that lists every file the restore writes or deletes (up to a screenful; the
 * rest one click away, never hidden silently), every risky file in full,
 * symlinks pointing outside the workspace (refused unless the user picks the
 * button that says so), and the editors with unsaved changes the restore
 * would overwrite (never silently: they are saved first, into the undo
 * point, or the restore does not happen).
 */
import type { RestorePreview } from '../../core/restore';
import { files } from './fileCounts';

export const BUTTONS = {
  restore: 'Restore',
  saveAndRestore: 'Save Unsaved Files and Restore',
  withLinks: 'Restore Including Outside Symlinks',
  saveAndWithLinks: 'Save Unsaved Files and Restore Including Outside Symlinks',
  showAll: 'Show All Files',
} as const;

export interface RestoreModal {
  message: string;
  detail: string;
  /** Buttons in order; Cancel is added by VS Code. */
  buttons: string[];
  /** The touched paths open in editors with unsaved changes. */
  unsaved: string[];
}

export interface RestoreChoice {
  restore: boolean;
  saveFirst: boolean;
  allowOutsideSymlinks: boolean;
  showAll: boolean;
}

export function buildRestoreModal(p: RestorePreview, label: string, dirtyPaths: readonly string[], maxListed = 30): RestoreModal {
  const touched = new Set([...p.write.map((f) => f.path), ...p.delete.map((f) => f.path)]);
  const unsaved = dirtyPaths.filter((d) => touched.has(d)).sort();
  const sections: string[] = [];
  // Outside symlinks get a section of their own below (they are refused unless allowed).
  const looks = p.flagged.flatMap((f) => f.flags.filter((fl) => fl.kind !== 'symlink-outside').map((fl) => `  ⚠ ${f.path}: ${fl.message}`));
  if (looks.length) sections.push([`Needs a look (${looks.length}):`, ...looks].join('\n'));
  if (p.outsideSymlinks.length) {
    sections.push(
      [`${p.outsideSymlinks.length} symlink(s) point outside the workspace; they are refused unless you choose "${BUTTONS.withLinks}":`, ...p.outsideSymlinks.map((l) => `  ${l.path} → ${l.target}`)].join('\n'),
    );
  }
  if (unsaved.length) {
    sections.push([`Unsaved changes in ${unsaved.length} editor(s) would be overwritten. They are saved first, so the undo point keeps them:`, ...unsaved.map((u) => `  ${u}`)].join('\n'));
  }
  const all = [...p.write.map((f) => `  ${f.action === 'create' ? 'create' : f.action === 'symlink' ? 'link' : f.action === 'mode' ? 'chmod' : 'write'}  ${f.path}`), ...p.delete.map((f) => `  delete  ${f.path}`)];
  const shown = all.slice(0, maxListed);
  sections.push([`Files (${all.length}):`, ...shown, ...(all.length > shown.length ? [`  … and ${all.length - shown.length} more ("${BUTTONS.showAll}" lists every one)`] : [])].join('\n'));
  sections.push('A safety snapshot of the workspace is taken first: "Undo Last Restore" puts everything back, one restore at a time.');

  const links = p.outsideSymlinks.length > 0;
  const go = unsaved.length ? (links ? BUTTONS.saveAndWithLinks : BUTTONS.saveAndRestore) : links ? BUTTONS.withLinks : BUTTONS.restore;
  // With outside symlinks, Enter (the first button) only shows the full list: restoring them takes a deliberate click.
  const buttons: string[] = links ? [BUTTONS.showAll, go] : all.length > shown.length || p.flagged.length > 0 ? [go, BUTTONS.showAll] : [go];
  const flagged = p.flagged.length ? ` ${p.flagged.length} need(s) a look.` : '';
  return {
    message: `Restore ${label} into the workspace? ${files(p.write.length)} will be written and ${p.delete.length} deleted.${flagged}`,
    detail: sections.join('\n\n'),
    buttons,
    unsaved,
  };
}

export function interpretChoice(choice: string | undefined): RestoreChoice {
  return {
    restore: choice === BUTTONS.restore || choice === BUTTONS.saveAndRestore || choice === BUTTONS.withLinks || choice === BUTTONS.saveAndWithLinks,
    saveFirst: choice === BUTTONS.saveAndRestore || choice === BUTTONS.saveAndWithLinks,
    allowOutsideSymlinks: choice === BUTTONS.withLinks || choice === BUTTONS.saveAndWithLinks,
    showAll: choice === BUTTONS.showAll,
  };
}
