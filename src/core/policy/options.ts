/** Splitting argv into flags and operands, tolerant of combined short flags (-rf) and `--`. */

export interface ParsedArgs {
  /** Short flags as single letters, long flags without dashes (values after `=` dropped). */
  flags: Set<string>;
  /** Values of flags that take one, by flag name (short or long). */
  values: Map<string, string>;
  operands: string[];
  /** Index in the original argv of each operand (for quoting info). */
  operandIdx: number[];
}

/**
 * @param withValue flags that consume the next word (e.g. ['o', 'output'] for curl).
 */
export function parseArgs(args: string[], withValue: string[] = []): ParsedArgs {
  const flags = new Set<string>();
  const values = new Map<string, string>();
  const operands: string[] = [];
  const operandIdx: number[] = [];
  const takes = new Set(withValue);
  let onlyOperands = false;
  for (let i = 0; i < args.length; i++) {
    const a = args[i];
    if (onlyOperands || a === '-' || !a.startsWith('-')) {
      operands.push(a);
      operandIdx.push(i);
      continue;
    }
    if (a === '--') {
      onlyOperands = true;
      continue;
    }
    if (a.startsWith('--')) {
      const eq = a.indexOf('=');
      const name = a.slice(2, eq === -1 ? undefined : eq);
      flags.add(name);
      if (eq !== -1) values.set(name, a.slice(eq + 1));
      else if (takes.has(name) && i + 1 < args.length) values.set(name, args[++i]);
      continue;
    }
    // Short flags, possibly combined; a value-taking one swallows the rest or the next word.
    for (let k = 1; k < a.length; k++) {
      const f = a[k];
      flags.add(f);
      if (takes.has(f)) {
        const rest = a.slice(k + 1);
        if (rest) values.set(f, rest);
        else if (i + 1 < args.length) values.set(f, args[++i]);
        break;
      }
    }
  }
  return { flags, values, operands, operandIdx };
}

export function hasAny(p: ParsedArgs, ...names: string[]): boolean {
  return names.some((n) => p.flags.has(n));
}
