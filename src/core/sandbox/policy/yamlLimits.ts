/**
 * Bounds a policy file must stay within before the YAML composer sees it.
 * A policy comes from the repository, so it may be hostile: `yaml` composes
 * nested collections recursively, and 2,000 `[` overflow the stack; after
 * such an overflow V8 has been seen to abort the whole process on the next
 * parse ("RegExpCompiler Allocation failed"), taking the extension host down.
 *
 * The check runs yaml's own CST parser, which is iterative (an explicit
 * stack), and walks the tokens it produced with an explicit stack too, so it
 * measures the nesting exactly as the composer will meet it, in linear time,
 * without recursing. Only documents within the limits are composed.
 */
import { Parser } from 'yaml';

/** A policy is a few KB; 256 KiB is a hundred times the default one, and parses in well under a second. */
export const MAX_POLICY_BYTES = 256 * 1024;
/** Nesting of collections (block or flow). A real policy nests 5 levels deep. */
export const MAX_POLICY_DEPTH = 32;

const COLLECTIONS = new Set(['block-map', 'block-seq', 'flow-collection']);

export interface LimitProblem {
  /** Offset in the text of the first collection over the limit (0 when the whole file is the problem). */
  offset: number;
  message: string;
}

/** Null when `text` may be composed; otherwise what is wrong, without having composed anything. */
export function checkYamlLimits(text: string): LimitProblem | null {
  const bytes = Buffer.byteLength(text, 'utf8');
  if (bytes > MAX_POLICY_BYTES) {
    return { offset: 0, message: `the file is ${bytes} bytes, larger than the ${MAX_POLICY_BYTES / 1024} KiB a policy may be` };
  }
  const stack: Array<{ node: unknown; depth: number }> = [];
  for (const token of new Parser().parse(text)) stack.push({ node: token, depth: 0 });
  while (stack.length > 0) {
    const { node, depth: parentDepth } = stack.pop()!;
    if (Array.isArray(node)) {
      for (const child of node) if (child && typeof child === 'object') stack.push({ node: child, depth: parentDepth });
      continue;
    }
    const rec = node as Record<string, unknown>;
    const depth = parentDepth + (COLLECTIONS.has(rec.type as string) ? 1 : 0);
    if (depth > MAX_POLICY_DEPTH) {
      return {
        offset: typeof rec.offset === 'number' ? rec.offset : 0,
        message: `collections nest more than ${MAX_POLICY_DEPTH} levels deep here; a policy needs about 5 (refused before parsing, so a hostile file cannot crash the editor)`,
      };
    }
    for (const key of ['items', 'start', 'key', 'sep', 'value', 'end', 'props']) {
      const child = rec[key];
      if (child && typeof child === 'object') stack.push({ node: child, depth });
    }
  }
  return null;
}
