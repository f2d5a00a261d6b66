/**
 * The nested sandbox of the agent's tools. OpenClaw runs every exec command
 * as `$SHELL -c <command>`; the local driver sets SHELL to nc-tool-shell (a
 * link to the launcher), which adds a Landlock domain of its own before it
 * runs /bin/sh. That domain is the agent's minus the agent's own state: the
 * OpenClaw config that holds the gateway secret, its transcripts, logs and
 * home, the supervisor plugin. A nested Landlock domain also cannot ptrace
 * (so cannot read the memory or /proc/<pid>/environ of) the agent above it.
 *
 * Why not a nested bubblewrap with a tmpfs over the state folder: Landlock
 * forbids every mount inside a domain ("Creating new namespace failed:
 * Operation not permitted", checked on Linux 6.18), and the agent runs inside
 * one. Landlock rules only add up, so a grant that contains a hidden path
 * ("/home/me" when the state is under /home/me/project, or the sandbox's /tmp
 * when the workspace lies under the host's /tmp) is replaced by grants on its
 * other children, level by level down to the hidden path. Files created later
 * directly in such a folder are then out of the tools' reach (their TMPDIR is
 * a folder of its own for that reason).
 */
import { readdirSync, realpathSync } from 'node:fs';
import { join, resolve, sep } from 'node:path';

export interface ToolSandboxRules {
  readOnly: string[];
  readWrite: string[];
  /** Grants that had to be narrowed around a hidden path (for the record). */
  narrowed: string[];
}

/** Children listed per narrowed folder at most; past that the grant is dropped instead. */
const MAX_SIBLINGS = 2000;

/**
 * How folders look from inside the sandbox. With bubblewrap, /tmp is the
 * private tmp plus the host paths bound back on top of it (at the same place),
 * and the folders leading to those are empty mount points.
 */
export interface InsideView {
  privateTmp: string;
  rebound: string[];
}

function listInside(dir: string, view: InsideView | undefined): string[] {
  const read = (d: string) => {
    try {
      return readdirSync(d);
    } catch {
      return [];
    }
  };
  if (!view || !isUnder(dir, '/tmp') || view.rebound.some((r) => isUnder(dir, r))) return read(dir);
  const names = new Set(read(join(view.privateTmp, dir.slice('/tmp'.length))));
  for (const r of view.rebound) {
    if (!isUnder(r, dir) || r === dir) continue;
    names.add(r.slice(dir.length + (dir.endsWith(sep) ? 0 : 1)).split(sep)[0]!);
  }
  return [...names];
}

function canonical(p: string): string {
  try {
    return realpathSync(p);
  } catch {
    return resolve(p);
  }
}

function isUnder(path: string, dir: string): boolean {
  return path === dir || path.startsWith(dir.endsWith(sep) ? dir : `${dir}${sep}`);
}

/**
 * `grants` minus every `hidden` path: grants inside a hidden path are dropped,
 * grants containing one are split into the siblings along the way.
 */
export function subtractHidden(grants: string[], hidden: string[], view?: InsideView): { kept: string[]; narrowed: string[] } {
  const hide = hidden.map(canonical);
  const kept: string[] = [];
  const narrowed: string[] = [];
  for (const g of grants) {
    const grant = canonical(g);
    if (hide.some((h) => isUnder(grant, h))) continue;
    const inside = hide.filter((h) => isUnder(h, grant) && h !== grant);
    if (inside.length === 0) {
      kept.push(grant);
      continue;
    }
    narrowed.push(grant);
    kept.push(...split(grant, inside, view));
  }
  return { kept: [...new Set(kept)], narrowed };
}

/** The children of `dir` that contain none of `hidden`, recursing into those that do. */
function split(dir: string, hidden: string[], view: InsideView | undefined): string[] {
  const names = listInside(dir, view);
  if (names.length > MAX_SIBLINGS) return [];
  const out: string[] = [];
  for (const name of names) {
    const child = join(dir, name);
    if (hidden.some((h) => h === child)) continue;
    const deeper = hidden.filter((h) => isUnder(h, child));
    out.push(...(deeper.length ? split(child, deeper, view) : [child]));
  }
  return out;
}

/** The nc-tool-shell rules, one "ro:PATH" / "rw:PATH" per line. */
export function toolSandboxRules(
  outer: { readOnly: string[]; readWrite: string[] },
  tool: { hide: string[]; readWrite: string[] },
  view?: InsideView,
): ToolSandboxRules {
  const ro = subtractHidden(outer.readOnly, tool.hide, view);
  const rw = subtractHidden([...outer.readWrite, ...tool.readWrite], tool.hide, view);
  return { readOnly: ro.kept, readWrite: rw.kept, narrowed: [...ro.narrowed, ...rw.narrowed] };
}

export function encodeRules(rules: ToolSandboxRules): string {
  const bad = [...rules.readOnly, ...rules.readWrite].find((p) => p.includes('\n'));
  if (bad) throw new Error(`A sandbox path contains a line break and cannot be passed to the tool sandbox: ${JSON.stringify(bad)}`);
  return [...rules.readOnly.map((p) => `ro:${p}`), ...rules.readWrite.map((p) => `rw:${p}`)].join('\n');
}
