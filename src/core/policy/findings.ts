/** Accumulates what the analysers find about one tool call, dimension by dimension. */
import { globBase, isInside, isRootish, type PathCtx, type ResolvedPath } from './paths';
import { readSensitivity, writeSensitivity } from './sensitive';
import type { NetworkTarget } from './types';

type Dim = 'destructive' | 'security' | 'cost' | 'blast';

export interface WriteTarget {
  abs: string;
  glob: boolean;
  dynamic: boolean;
  recursive: boolean;
}

export class Findings {
  readonly scores: Record<Dim, number> = { destructive: 0, security: 0, cost: 0, blast: 0 };
  readonly reasons: Record<Dim | 'reversibility', string[]> = { destructive: [], security: [], cost: [], blast: [], reversibility: [] };
  reversibility = 1;
  readonly writes = new Map<string, WriteTarget>();
  readonly reads = new Set<string>();
  readonly network: NetworkTarget[] = [];
  readonly commands: string[] = [];
  readonly warnings: string[] = [];
  unknownTargets = false;

  constructor(readonly ctx: PathCtx) {}

  add(dim: Dim, score: number, reason: string): void {
    this.scores[dim] = Math.max(this.scores[dim], Math.min(1, score));
    if (!this.reasons[dim].includes(reason)) this.reasons[dim].push(reason);
  }
  destructive(score: number, reason: string): void {
    this.add('destructive', score, reason);
  }
  security(score: number, reason: string): void {
    this.add('security', score, reason);
  }
  cost(score: number, reason: string): void {
    this.add('cost', score, reason);
  }
  /** Lowers reversibility (1 = undone by the pre-call snapshot). */
  irreversible(score: number, reason: string): void {
    this.reversibility = Math.min(this.reversibility, Math.max(0, score));
    if (!this.reasons.reversibility.includes(reason)) this.reasons.reversibility.push(reason);
  }
  unknown(reason: string): void {
    this.unknownTargets = true;
    this.add('blast', 0.6, reason);
  }

  write(r: ResolvedPath, opts: { recursive?: boolean } = {}): void {
    const prev = this.writes.get(r.abs);
    this.writes.set(r.abs, { abs: r.abs, glob: r.glob, dynamic: r.dynamic, recursive: !!opts.recursive || !!prev?.recursive });
    if (r.dynamic) this.unknown(`target depends on a variable or substitution: ${r.abs}`);
    const s = writeSensitivity(r.glob ? globBase(r.abs) : r.abs, this.ctx.home);
    if (s) this.security(s.score, s.reason);
  }

  read(r: ResolvedPath): void {
    this.reads.add(r.abs);
    const s = readSensitivity(r.abs, this.ctx.home);
    if (s) this.security(s.score, s.reason);
  }

  net(host: string, port: number | null, sideEffect: boolean): void {
    if (!this.network.some((n) => n.host === host && n.port === port && n.sideEffect === sideEffect)) this.network.push({ host, port, sideEffect });
  }

  /** Blast radius and reversibility from the write set, once every analyser has run. */
  finish(): void {
    const ws = this.ctx.workspace;
    let outside = 0;
    for (const w of this.writes.values()) {
      const base = w.glob ? globBase(w.abs) : w.abs;
      const inWs = isInside(ws, base);
      let s = 0.15;
      if (w.recursive) s = Math.max(s, 0.5);
      if (w.glob) s = Math.max(s, 0.45);
      if ((w.recursive || w.glob) && isRootish(base, this.ctx)) s = 1;
      else if ((w.recursive || w.glob) && base === ws) s = Math.max(s, 0.8);
      if (!inWs) {
        outside++;
        s = Math.min(1, s + 0.3);
      }
      this.add('blast', s, `${w.recursive ? 'recursively changes' : w.glob ? 'changes every match of' : 'changes'} ${w.abs}${inWs ? '' : ' (outside the workspace)'}`);
    }
    if (this.writes.size > 1) this.add('blast', Math.min(1, this.scores.blast + 0.05 * Math.log2(this.writes.size)), `${this.writes.size} paths`);
    if (outside) this.irreversible(this.scores.destructive >= 0.8 ? 0 : 0.2, `${outside} path(s) outside the workspace: snapshots do not cover them`);
    else if (this.writes.size) {
      if (!this.reasons.reversibility.length) this.reasons.reversibility.push('changes stay inside the workspace: the pre-call snapshot restores them');
    }
    if (this.unknownTargets) this.irreversible(Math.min(this.reversibility, 0.6), 'targets unknown before running: may reach outside the workspace');
    for (const n of this.network) if (n.sideEffect) this.irreversible(0.1, `side effect on a remote host (${n.host}): no snapshot can undo it`);
  }

  outsideWorkspace(): string[] {
    return [...this.writes.values()].map((w) => w.abs).filter((abs) => !isInside(this.ctx.workspace, globBase(abs)));
  }
}
