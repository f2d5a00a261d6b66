/**
 * Property-based tests of the parsers that read hostile bytes (issue 12).
 *
 * A target is one parser; each of its properties states a contract (only the
 * documented error types; no intact record lost or changed; a time budget
 * per input byte). The same properties run in two ways:
 *
 * - under `npm test`, by mocha (`*.property.test.ts`): a fixed seed per
 *   property and at least 1,000 cases each, so CI is reproducible;
 * - under `npm run fuzz` (test/fuzz/main.ts): random seeds, for a given time
 *   per target, with a report of the runs, the failures (seed and path to
 *   replay them) and the slowest input per byte each target met.
 *
 * Time budgets are CPU time (process.cpuUsage), not wall time: the machine
 * may be loaded, and a complexity bug shows in the work done, not the wait.
 */
import fc from 'fast-check';

export interface PropertySpec {
  name: string;
  /** A fresh property (sync or async): generators and the check. */
  make: () => fc.IRawProperty<any, boolean>;
  /** Cases under npm test (fixed seed). At least 1,000. */
  ciRuns?: number;
}

export interface Target {
  /** Short name, used by `npm run fuzz -- --targets <name>`. */
  name: string;
  /** What is read, in words. */
  parser: string;
  properties: PropertySpec[];
}

export const CI_RUNS = 1_000;
export const CI_SIZE = 'medium' as const;

/** A seed per property, derived from its name, so each property's CI run is fixed but they differ. */
export function ciSeed(target: string, property: string): number {
  let h = 2166136261;
  for (const c of `${target}/${property}`) h = Math.imul(h ^ c.charCodeAt(0), 16777619);
  return h | 0;
}

// ---- time budgets ----------------------------------------------------------

export interface Observation {
  target: string;
  ms: number;
  bytes: number;
  /** A short, printable description of the input. */
  sample: string;
}

/** Slowest input (by CPU time per byte, inputs of 4 KB and more) seen per target; read by the fuzz report. */
export const slowest = new Map<string, Observation>();
let current = '';

export function observing(target: string): void {
  current = target;
}

export class BudgetExceeded extends Error {
  override name = 'BudgetExceeded';
}

/**
 * Runs `fn` and fails when its CPU time exceeds `baseMs + perKbMs * bytes / 1024`.
 * A slow case is measured again (up to two more times, the best kept) before
 * it counts, so a GC pause or a descheduled moment does not fail a run.
 */
export function withinBudget<T>(bytes: number, budget: Budget, sample: () => string, fn: () => T): T {
  const limit = limitOf(budget, bytes);
  let best = Infinity;
  let value!: T;
  for (let attempt = 0; attempt < 3 && best > limit; attempt++) {
    const t0 = process.cpuUsage();
    value = fn();
    best = Math.min(best, cpuMsSince(t0));
  }
  return judged(value, bytes, best, limit, sample);
}

export async function withinBudgetAsync<T>(bytes: number, budget: Budget, sample: () => string, fn: () => Promise<T>): Promise<T> {
  const limit = limitOf(budget, bytes);
  let best = Infinity;
  let value!: T;
  for (let attempt = 0; attempt < 3 && best > limit; attempt++) {
    const t0 = process.cpuUsage();
    value = await fn();
    best = Math.min(best, cpuMsSince(t0));
  }
  return judged(value, bytes, best, limit, sample);
}

export interface Budget {
  baseMs: number;
  perKbMs: number;
}

const limitOf = (b: Budget, bytes: number) => b.baseMs + (b.perKbMs * bytes) / 1024;

function cpuMsSince(t0: NodeJS.CpuUsage): number {
  const d = process.cpuUsage(t0);
  return (d.user + d.system) / 1000;
}

function judged<T>(value: T, bytes: number, best: number, limit: number, sample: () => string): T {
  record(bytes, best, sample);
  if (best > limit) throw new BudgetExceeded(`${best.toFixed(1)} ms of CPU for ${bytes} bytes, over the budget of ${limit.toFixed(1)} ms (${sample()})`);
  return value;
}

function record(bytes: number, ms: number, sample: () => string): void {
  if (!current || bytes < 4096) return;
  const prev = slowest.get(current);
  if (!prev || ms / bytes > prev.ms / prev.bytes) slowest.set(current, { target: current, ms, bytes, sample: sample() });
}

/** A printable preview of an input: JSON-escaped, long runs shown as `x × n`. */
export function preview(input: string | Uint8Array, max = 100): string {
  const text = typeof input === 'string' ? input : Buffer.from(input).toString('latin1');
  const runs = text.slice(0, 4000).replace(/(.{1,8}?)\1{7,}/gs, (m, unit: string) => `⟨${JSON.stringify(unit).slice(1, -1)} × ${m.length / unit.length}⟩`);
  const shown = JSON.stringify(runs).slice(1, -1);
  return `${shown.length > max ? `${shown.slice(0, max)}…` : shown} (${text.length} chars)`;
}

// ---- generators shared by targets -------------------------------------------

/**
 * Strings made of repeated hostile pieces: what backtracking and quadratic scans choke on. A head of a few
 * pieces (so a command name can lead), a unit of pieces repeated up to `maxRepeat` times (uniformly: large
 * counts are as likely as small ones), and a tail.
 */
export function repeatedPieces(pieces: string[], opts: { maxPieces?: number; maxRepeat?: number } = {}): fc.Arbitrary<string> {
  const maxPieces = opts.maxPieces ?? 4;
  const maxRepeat = opts.maxRepeat ?? 2000;
  const some = (max: number) => fc.array(fc.constantFrom(...pieces), { maxLength: max }).map((a) => a.join(''));
  const unit = fc.array(fc.constantFrom(...pieces), { minLength: 1, maxLength: maxPieces }).map((a) => a.join(''));
  return fc
    .tuple(fc.oneof(some(3), fc.string({ maxLength: 12 })), unit, fc.noBias(fc.integer({ min: 1, max: maxRepeat })), fc.oneof(some(3), fc.string({ maxLength: 12 })))
    .map(([head, u, n, tail]) => head + u.repeat(n) + tail);
}

/** Any of: arbitrary text, text from an alphabet of hostile pieces, or repeated pieces. */
export function hostileText(pieces: string[], opts: { maxLength?: number; maxRepeat?: number } = {}): fc.Arbitrary<string> {
  const maxLength = opts.maxLength ?? 400;
  return fc.oneof(
    { weight: 2, arbitrary: fc.string({ unit: 'binary', maxLength }) },
    { weight: 3, arbitrary: fc.array(fc.constantFrom(...pieces), { maxLength }).map((a) => a.join('')) },
    { weight: 3, arbitrary: repeatedPieces(pieces, { maxRepeat: opts.maxRepeat }) },
  );
}
