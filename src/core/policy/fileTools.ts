/**
 * File tools (read, write, edit, apply_patch, ls...) run inside the agent's
 * own process, with the agent's rights: unlike a shell command, they are not
 * in the tools' nested sandbox, and the agent may read its own config (which
 * holds the gateway secret), transcripts and plugin. So the supervisor
 * refuses any file-tool path that resolves outside the workspace, following
 * symlinks (a link in the workspace to ../state/openclaw.json5 resolves
 * outside). Shell commands are confined by the kernel instead.
 */
import { realpathSync } from 'node:fs';
import { basename, dirname, join } from 'node:path';
import { isInside } from './paths';
import type { Classification, PolicyDecision } from './types';

const FILE_TOOL_KINDS = new Set(['read', 'write', 'edit', 'patch']);

/** The real path of `p`: symlinks resolved for the part that exists, the rest appended. */
export function realPathOf(p: string): string {
  const rest: string[] = [];
  let cur = p;
  for (let i = 0; i < 256; i++) {
    try {
      return join(realpathSync(cur), ...rest.reverse());
    } catch {
      const parent = dirname(cur);
      if (parent === cur) return p;
      rest.push(basename(cur));
      cur = parent;
    }
  }
  return p;
}

/** A deny decision when a file tool reaches outside the workspace; null otherwise. */
export function fileToolOutsideWorkspace(c: Classification, workspace: string): PolicyDecision | null {
  if (!FILE_TOOL_KINDS.has(c.kind)) return null;
  const root = realPathOf(workspace);
  for (const p of [...c.writes, ...c.reads]) {
    const real = realPathOf(p);
    if (isInside(root, real)) continue;
    const via = real === p ? '' : ` (it resolves to ${real})`;
    return {
      decision: 'deny',
      source: 'supervisor',
      rule: 'fs.file_tool_outside_workspace',
      detail: `The ${c.toolName} tool may only reach files inside the workspace; ${p}${via} is outside it. Work on files inside the workspace.`,
      path: p,
      toolName: c.toolName,
    };
  }
  return null;
}
