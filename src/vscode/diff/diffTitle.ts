/**
 * Diff editor titles (pure, no vscode import). Each says which branch and
 * which step, left side first:
 *   "README.md — your workspace ↔ recovery-1 step 14"
 *   "README.md — main step 4: before ↔ after"
 *   "README.md — main step 12 ↔ recovery-1 step 14"
 */
export interface StepRef {
  branch: string;
  /** 0-based seq; shown 1-based. */
  seq: number;
}

const base = (relPath: string) => relPath.split('/').filter(Boolean).at(-1) ?? relPath;
const step = (s: StepRef) => `${s.branch} step ${s.seq + 1}`;

export function workspaceDiffTitle(relPath: string, s: StepRef): string {
  return `${base(relPath)} — your workspace ↔ ${step(s)}`;
}

export function stepDiffTitle(relPath: string, s: StepRef): string {
  return `${base(relPath)} — ${step(s)}: before ↔ after`;
}

export function compareDiffTitle(relPath: string, left: StepRef, right: StepRef): string {
  return `${base(relPath)} — ${step(left)} ↔ ${step(right)}`;
}

/** The multi-file diff editor's title. */
export function changesTitle(mode: 'workspace' | 'step', s: StepRef): string {
  return mode === 'workspace' ? `NemoCognition: your workspace ↔ ${step(s)}` : `NemoCognition: what ${step(s)} changed`;
}

export function compareChangesTitle(left: StepRef, right: StepRef): string {
  return `NemoCognition: ${step(left)} ↔ ${step(right)}`;
}

/** How the file pick describes a change, read left to right as the diff shows it. */
export function changeDescription(kind: 'added' | 'modified' | 'deleted' | 'type-changed', left: string, right: string): string {
  switch (kind) {
    case 'added':
      return `only in ${right}`;
    case 'deleted':
      return `only in ${left}`;
    case 'modified':
      return 'changed';
    case 'type-changed':
      return `a file in one, a link or folder in the other`;
  }
}
