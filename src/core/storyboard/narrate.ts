/**
 * One sentence per scene (pure): what the step was, told for someone who was
 * not there. Built from the recorded attributes only; every sentence is text.
 */
import type { Node } from '../model/types';
import type { ClassificationScores, SceneKind } from './contract';
import { HANDOVER_FROM_ATTR, HANDOVER_TO_ATTR, str } from './scenes';

const MAX = 400;

function clip(s: string, max = MAX): string {
  const one = s.replace(/\s+/g, ' ').trim();
  return one.length > max ? `${one.slice(0, max - 1)}…` : one;
}

/** What `nemocognition.recovery.fork_from` says, in words. */
const FORK_FROM: Record<string, string> = {
  baseline: 'the baseline',
  'last-good-node': 'the last good step',
  'cross-agent-checkpoint': 'the last cross-agent checkpoint',
};

export interface NarrationInput {
  node: Node;
  kind: SceneKind;
  /** How to call the agent in a sentence: its id, or "the agent" when a run has only one. */
  agent: string;
  branchLabel: string;
  scores: ClassificationScores | null;
  changedFiles: number;
}

export function narrate(x: NarrationInput): string {
  const s = clip(sentence(x));
  return s.charAt(0).toUpperCase() + s.slice(1);
}

function sentence({ node: n, kind, agent, branchLabel, scores, changedFiles }: NarrationInput): string {
  const a = n.attributes;
  switch (kind) {
    case 'model_call': {
      const model = str(a, 'llm.model_name');
      const text = str(a, 'llm.output_messages.0.message.content');
      const tools = n.name.includes('→') ? n.name.slice(n.name.indexOf('→') + 1).trim() : '';
      if (n.status === 'error') return `${agent}'s model call failed: ${str(a, 'nemocognition.llm.error') ?? 'no answer'}.`;
      if (tools) return `${agent} asks the model${model ? ` (${model})` : ''}, which calls ${tools}${text ? `: "${clip(text, 160)}"` : '.'}`;
      return text ? `Model to ${agent}: "${clip(text, 240)}"` : `${agent} asks the model${model ? ` (${model})` : ''}.`;
    }
    case 'tool_call': {
      const result = n.status === 'error' ? ' It failed.' : changedFiles > 0 ? ` It changed ${changedFiles} file${changedFiles === 1 ? '' : 's'}.` : '';
      const risk = scores && scores.risk >= 0.5 ? ` Risk ${scores.risk.toFixed(2)}${scores.destructive >= 0.5 ? ', destructive' : ''}.` : '';
      return `${agent} runs ${n.name}.${risk}${result}`;
    }
    case 'policy_deny':
    case 'policy_allow': {
      const verb = kind === 'policy_deny' ? 'Denied' : 'Allowed';
      const by = [str(a, 'nemocognition.policy.source'), str(a, 'nemocognition.policy.rule')].filter(Boolean).join(': ');
      return `${verb}: ${str(a, 'nemocognition.policy.detail') ?? n.name}${by ? ` (${by})` : ''}.`;
    }
    case 'checkpoint':
      return checkpointSentence(n, agent, branchLabel);
    case 'recovery': {
      const attempt = a['nemocognition.recovery.attempt'];
      const why = str(a, 'nemocognition.recovery.reason');
      const from = str(a, 'nemocognition.recovery.fork_from');
      const into = str(a, 'nemocognition.recovery.sandbox');
      return `Recovery${typeof attempt === 'number' ? ` ${attempt}` : ''}: ${why ? `${why}; ` : ''}a fresh sandbox${into ? ` (${into})` : ''} restored from ${FORK_FROM[from ?? ''] ?? 'a snapshot'}, and ${agent} starts again with a correction prompt.`;
    }
    case 'fork':
      return `A new branch ${branchLabel} forks here: ${str(a, 'nemocognition.fork.instruction') ?? n.name}.`;
    case 'memory_update':
      return `${agent}'s memory changed: ${n.name.replace(/^memory updated:\s*/, '')}.`;
    case 'agent_turn': {
      const text = str(a, 'output.value');
      if (n.status === 'error') return `${agent}'s turn ended with an error${str(a, 'exception.message') ? `: ${str(a, 'exception.message')}` : '.'}`;
      return text ? `${agent} ends its turn: "${clip(text, 240)}"` : `${agent} ends its turn.`;
    }
    case 'narration':
      return str(a, 'output.value') ?? n.name;
    case 'error':
      return `Error: ${str(a, 'exception.message') ?? n.name}${str(a, 'nemocognition.fix') ? ` What to do: ${str(a, 'nemocognition.fix')}` : ''}`;
  }
}

function checkpointSentence(n: Node, agent: string, branchLabel: string): string {
  const a = n.attributes;
  const files = a['nemocognition.checkpoint.files'];
  const count = typeof files === 'number' ? ` (${files} files)` : '';
  switch (str(a, 'nemocognition.checkpoint.reason')) {
    case 'baseline':
      return `The workspace baseline${count}: every branch can be rebuilt from it.`;
    case 'pre-tool-call':
      return `Snapshot ${n.name.replace(/^snapshot\s+/, '')}${count}: the exact state before the call, so it can be undone.`;
    case 'forensic':
      return `Forensic snapshot of ${branchLabel}'s sandbox, kept as evidence.`;
    case 'branch-end':
      return `The result of ${branchLabel}${count}, ready to restore into the workspace.`;
    case 'recovery-start':
      return `${agent} gets a fresh sandbox: ${n.name}.`;
    case 'handover':
      return `${str(a, HANDOVER_FROM_ATTR) ?? agent} hands the shared sandbox to ${str(a, HANDOVER_TO_ATTR) ?? 'the next agent'}: a cross-agent checkpoint${count}.`;
    default:
      return `Snapshot: ${n.name}${count}.`;
  }
}
