/**
 * Overlay-backed branch sandboxes: a branch's folder is an overlay of its own upper layer over a
 * read-only materialisation shared by the run's branches, mounted in a user namespace, so that a
 * new branch costs a mount, not a copy of the workspace (see branchFolders.ts, holder.ts).
 */
export * from './branchFolders';
export * from './holder';
