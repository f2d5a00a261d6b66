/**
 * Picks what a gutter hover shows from a recorded node (pure). The recorder's
 * attribute names follow OpenInference; reasoning is looked up on the node
 * itself and, for a tool call, on the model call that asked for it (its
 * parent node if recorded, else the model call just before it in its branch).
 */
import type { Attributes, Branch, Node } from '../../core/model/types';
import type { HoverFacts } from './hoverMarkdown';

export interface Attribution {
  startLine: number;
  endLine: number;
  nodeId: string;
  runId: string;
  at: number;
}

const TOOL_KEYS = ['tool.name', 'tool_call.function.name', 'nemocognition.tool.name'];
// The gateway records a reasoning trace beside the first output message (core/gateway/attributes.ts).
const REASONING_KEYS = ['llm.output_messages.0.message.reasoning_content', 'nemocognition.reasoning'];

function firstString(attrs: Attributes, keys: string[]): string | null {
  for (const k of keys) {
    const v = attrs[k];
    if (typeof v === 'string' && v.trim()) return v;
  }
  return null;
}

/** The model call a tool call came from: the nearest earlier model call of the same branch. */
export function askingModelCall(node: Node, branchNodes: readonly Node[]): Node | undefined {
  let best: Node | undefined;
  for (const n of branchNodes) if (n.kind === 'model_call' && n.seq < node.seq && (!best || n.seq > best.seq)) best = n;
  return best;
}

export function hoverFactsFor(a: Attribution, node: Node, branch: Branch | undefined, parent: Node | undefined): HoverFacts {
  return {
    runId: a.runId,
    nodeId: a.nodeId,
    stepName: node.name,
    kind: node.kind,
    stepNumber: node.seq + 1,
    branchLabel: branch?.label ?? null,
    tool: firstString(node.attributes, TOOL_KEYS),
    reasoning: firstString(node.attributes, REASONING_KEYS) ?? (parent ? firstString(parent.attributes, REASONING_KEYS) : null),
    at: a.at,
    lines: [a.startLine, a.endLine],
  };
}
