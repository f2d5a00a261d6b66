/**
 * A run streamed as JSON lines: what `nemocog run --events` prints, and what
 * a remote run reads back over SSH. One object a line; anything else on the
 * stream (log lines) is ignored. The remote side is a peer we started, but
 * its output still passes validation before it reaches a listener.
 */
import type { StoreEvent } from '../model/events';
import type { Branch, Node } from '../model/types';
import type { RunListener, RunSummary } from '../run/api';

export const EVENTS_VERSION = 1;

export type RunEvent =
  | { v: 1; type: 'narration'; text: string; at: number }
  | { v: 1; type: 'phase'; phase: 'preparing' | 'agent' | 'recovering' | 'finishing'; message: string }
  | { v: 1; type: 'branch'; branch: Branch }
  | { v: 1; type: 'node'; node: Node }
  | { v: 1; type: 'summary'; summary: RunSummary }
  | { v: 1; type: 'warning'; text: string }
  /** One journaled event of the run, with its seq in the remote journal: what replication copies. */
  | { v: 1; type: 'record'; seq: number; event: StoreEvent };

/** The line `nemocog run --events` prints for a journaled event (see SupervisedRunOptions.onRecord). */
export function recordLine(seq: number, event: StoreEvent): string {
  return `${JSON.stringify({ v: 1, type: 'record', seq, event })}\n`;
}

/** A listener that writes every event as one JSON line. */
export function eventWriter(write: (line: string) => void): RunListener {
  const out = (e: RunEvent) => write(`${JSON.stringify(e)}\n`);
  return {
    narration: (text, at) => out({ v: 1, type: 'narration', text, at }),
    phase: (phase, message) => out({ v: 1, type: 'phase', phase, message }),
    branch: (branch) => out({ v: 1, type: 'branch', branch }),
    node: (node) => out({ v: 1, type: 'node', node }),
    warning: (text) => out({ v: 1, type: 'warning', text }),
  };
}

const isObj = (v: unknown): v is Record<string, unknown> => !!v && typeof v === 'object' && !Array.isArray(v);

export function parseEventLine(line: string): RunEvent | null {
  const t = line.trim();
  if (!t.startsWith('{')) return null;
  let o: unknown;
  try {
    o = JSON.parse(t);
  } catch {
    return null;
  }
  if (!isObj(o) || o.v !== EVENTS_VERSION || typeof o.type !== 'string') return null;
  switch (o.type) {
    case 'narration':
      return typeof o.text === 'string' && typeof o.at === 'number' ? (o as RunEvent) : null;
    case 'phase':
      return typeof o.phase === 'string' && typeof o.message === 'string' ? (o as RunEvent) : null;
    case 'branch':
      return isObj(o.branch) && typeof o.branch.id === 'string' ? (o as RunEvent) : null;
    case 'node':
      return isObj(o.node) && typeof o.node.id === 'string' && typeof o.node.kind === 'string' ? (o as RunEvent) : null;
    case 'warning':
      return typeof o.text === 'string' ? (o as RunEvent) : null;
    case 'record':
      return Number.isSafeInteger(o.seq) && isObj(o.event) && typeof o.event.type === 'string' ? (o as RunEvent) : null;
    case 'summary':
      return isObj(o.summary) && isObj(o.summary.run) && Array.isArray(o.summary.branches) ? (o as RunEvent) : null;
    default:
      return null;
  }
}

/** Splits a byte stream into lines and feeds valid events to a listener; returns the summary when seen. */
export class EventReader {
  private pending = '';
  summary: RunSummary | null = null;
  constructor(private readonly listener: RunListener, private readonly maxLine = 16 * 1024 * 1024) {}

  push(chunk: string): void {
    this.pending += chunk;
    if (this.pending.length > this.maxLine && !this.pending.includes('\n')) this.pending = ''; // a runaway line is dropped, not buffered forever
    let i: number;
    while ((i = this.pending.indexOf('\n')) >= 0) {
      const line = this.pending.slice(0, i);
      this.pending = this.pending.slice(i + 1);
      this.dispatch(parseEventLine(line));
    }
  }

  end(): void {
    if (this.pending) this.dispatch(parseEventLine(this.pending));
    this.pending = '';
  }

  private dispatch(e: RunEvent | null): void {
    if (!e) return;
    if (e.type === 'narration') this.listener.narration?.(e.text, e.at);
    else if (e.type === 'phase') this.listener.phase?.(e.phase, e.message);
    else if (e.type === 'branch') this.listener.branch?.(e.branch);
    else if (e.type === 'node') this.listener.node?.(e.node);
    else if (e.type === 'warning') this.listener.warning?.(e.text);
    else if (e.type === 'record') this.listener.record?.(e.seq, e.event);
    else this.summary = e.summary;
  }
}
