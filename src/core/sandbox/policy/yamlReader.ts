/**
 * Typed reads over a parsed YAML document that remember where each value came
 * from, so that validation errors can point at a line and column.
 */
import { isMap, isScalar, isSeq, type LineCounter, type Node } from 'yaml';
import { hostProblem } from './hostRules';
import type { PolicyIssue } from './policyError';

export interface Located<T> {
  value: T;
  line: number;
  col: number;
  path: string;
}

export class YamlReader {
  readonly issues: PolicyIssue[] = [];
  readonly warnings: string[] = [];

  constructor(
    private readonly lines: LineCounter,
    private readonly source: string,
  ) {}

  pos(node: Node | null | undefined): { line: number; col: number } {
    const offset = node?.range?.[0];
    if (offset === undefined) return { line: 0, col: 0 };
    return this.lines.linePos(offset);
  }

  fail(node: Node | null | undefined, path: string, message: string): void {
    this.issues.push({ ...this.pos(node), path, message });
  }

  warn(node: Node | null | undefined, path: string, message: string): void {
    const { line, col } = this.pos(node);
    this.warnings.push(`${this.source}:${line}:${col}: ${path}: ${message}`);
  }

  /**
   * The entries of a mapping; keys outside `allowed` are reported (OpenShell rejects unknown fields too), and so
   * are repeated keys (checked here, with a Set, rather than by yaml's quadratic uniqueKeys).
   */
  map(node: unknown, path: string, allowed?: readonly string[]): Map<string, Node | null> | undefined {
    if (node === null || node === undefined) return undefined;
    if (!isMap(node)) {
      this.fail(node as Node, path, 'expected a mapping (key: value lines)');
      return undefined;
    }
    const out = new Map<string, Node | null>();
    for (const pair of node.items) {
      const keyNode = pair.key as Node | null;
      if (!isScalar(keyNode) || keyNode.value === null || typeof keyNode.value === 'object') {
        this.fail(keyNode ?? node, path, 'expected a plain text key (key: value)');
        continue;
      }
      const key = String(keyNode.value);
      if (out.has(key)) {
        this.fail(keyNode, path, 'Map keys must be unique');
        continue;
      }
      if (allowed && !allowed.includes(key)) {
        this.fail(keyNode, path, `unknown field '${shown(key)}'; expected one of: ${allowed.join(', ')}`);
        continue;
      }
      out.set(key, pair.value as Node | null);
    }
    return out;
  }

  seq(node: unknown, path: string): Node[] {
    if (node === null || node === undefined) return [];
    if (!isSeq(node)) {
      this.fail(node as Node, path, 'expected a list (lines starting with "- ", or [a, b])');
      return [];
    }
    return node.items as Node[];
  }

  str(node: unknown, path: string): Located<string> | undefined {
    if (node === null || node === undefined) return undefined;
    if (!isScalar(node) || typeof node.value !== 'string' || node.value === '') {
      this.fail(node as Node, path, 'expected a non-empty text value');
      return undefined;
    }
    return { value: node.value, ...this.pos(node), path };
  }

  /** A host name or address for an egress rule (see hostRules.ts). */
  host(node: unknown, path: string): Located<string> | undefined {
    const s = this.str(node, path);
    const bad = s && hostProblem(s.value);
    if (bad) {
      this.fail(node as Node, path, bad);
      return undefined;
    }
    return s;
  }

  int(node: unknown, path: string, min: number, max: number): Located<number> | undefined {
    if (node === null || node === undefined) return undefined;
    if (!isScalar(node) || typeof node.value !== 'number' || !Number.isInteger(node.value) || node.value < min || node.value > max) {
      this.fail(node as Node, path, `expected a whole number from ${min} to ${max}`);
      return undefined;
    }
    return { value: node.value, ...this.pos(node), path };
  }

  bool(node: unknown, path: string): boolean | undefined {
    if (node === null || node === undefined) return undefined;
    if (!isScalar(node) || typeof node.value !== 'boolean') {
      this.fail(node as Node, path, 'expected true or false');
      return undefined;
    }
    return node.value;
  }

  oneOf(node: unknown, path: string, choices: readonly string[]): string | undefined {
    const s = this.str(node, path);
    if (s && !choices.includes(s.value)) {
      this.fail(node as Node, path, `'${shown(s.value)}' is not one of: ${choices.join(', ')}`);
      return undefined;
    }
    return s?.value;
  }

  strList(node: unknown, path: string): Located<string>[] {
    return this.seq(node, path)
      .map((item, i) => this.str(item, `${path}[${i}]`))
      .filter((x): x is Located<string> => x !== undefined);
  }
}

/** A value for a message: control characters escaped, long values cut. */
export function shown(value: string): string {
  return JSON.stringify(value.length > 120 ? `${value.slice(0, 120)}…` : value).slice(1, -1);
}
