/**
 * Hover text for a gutter marker, as a markdown string (pure, no `vscode`
 * import). Everything that came from the model or a tool is untrusted: it is
 * stripped of control/bidi characters, flattened to one line, truncated, and
 * every ASCII punctuation character is backslash-escaped, so it can neither
 * open HTML, nor form a link/image/code span/heading, nor smuggle a
 * `command:` URI. The only link in the hover is ours, to revealStep, and the
 * MarkdownString is trusted for that one command only.
 */
export const REVEAL_STEP_COMMAND = 'nemocognition.revealStep';

export interface HoverFacts {
  runId: string;
  nodeId: string;
  /** Node name as recorded ("exec: npm test"): untrusted, it is built from model output. */
  stepName: string;
  kind: string;
  /** 1-based position of the step in its branch. */
  stepNumber: number;
  branchLabel: string | null;
  tool: string | null;
  reasoning: string | null;
  at: number;
  lines: [number, number];
}

// C0/C1 controls, zero-width characters and bidi overrides (Trojan Source).
const INVISIBLE = /[\u0000-\u001f\u007f-\u009f\u200b-\u200f\u2028-\u202e\u2060-\u2069\ufeff]/g;

/** Makes untrusted text inert as markdown: one line, bounded, every punctuation mark escaped. */
export function escapeUntrusted(text: string, max = 300): string {
  let s = text.replace(/\r\n?|\n/g, ' ').replace(INVISIBLE, '').replace(/\s+/g, ' ').trim();
  if (s.length > max) s = s.slice(0, max - 1).trimEnd() + '…';
  return s.replace(/[!-/:-@[-`{-~]/g, (c) => '\\' + c);
}

/** Node kinds in words (the hover never shows a raw kind such as `tool_call`). */
const KIND_WORDS: Record<string, string> = {
  model_call: 'model call',
  tool_call: 'tool call',
  policy_decision: 'policy decision',
  checkpoint: 'snapshot',
  memory_update: 'memory update',
  recovery: 'recovery',
  narration: 'narration',
  agent_turn: 'agent turn',
  error: 'error',
};

export function kindInWords(kind: string): string {
  return KIND_WORDS[kind] ?? kind.replace(/_/g, ' ');
}

/** The one-line note at the end of a block's first line: "✦ recovery-1 step 4 · write". */
export function lineNote(f: Pick<HoverFacts, 'stepNumber' | 'branchLabel' | 'tool' | 'kind'>, current: boolean): string {
  const clean = (s: string, n: number) => {
    const t = s.replace(INVISIBLE, '').replace(/\s+/g, ' ').trim();
    return t.length > n ? `${t.slice(0, n - 1)}…` : t;
  };
  const where = `${f.branchLabel ? `${clean(f.branchLabel, 40)} ` : ''}step ${f.stepNumber}`;
  return `${current ? '◆ selected: ' : '◇ '}${where} · ${f.tool ? clean(f.tool, 40) : kindInWords(f.kind)}`;
}

export function revealStepUri(runId: string, nodeId: string): string {
  return `command:${REVEAL_STEP_COMMAND}?${encodeURIComponent(JSON.stringify([{ runId, nodeId }]))}`;
}

export function buildHoverMarkdown(f: HoverFacts, now: number = Date.now(), current = false): { value: string; enabledCommands: string[] } {
  const lines: string[] = [];
  const where = f.branchLabel ? ` of branch ${escapeUntrusted(f.branchLabel, 80)}` : '';
  lines.push(`**NemoCognition** · step ${f.stepNumber}${where} · ${escapeUntrusted(kindInWords(f.kind), 40)} · ${relativeTime(f.at, now)}`);
  if (current) {
    lines.push('');
    lines.push('_The step selected in the Replay view._');
  }
  lines.push('');
  lines.push(`Lines ${f.lines[0]}–${f.lines[1]} last written by: ${escapeUntrusted(f.stepName, 200)}`);
  if (f.tool) {
    lines.push('');
    lines.push(`Tool: ${escapeUntrusted(f.tool, 80)}`);
  }
  if (f.reasoning) {
    lines.push('');
    lines.push(`Reasoning: ${escapeUntrusted(f.reasoning, 400)}`);
  }
  lines.push('');
  lines.push(`[Reveal step in Replay](${revealStepUri(f.runId, f.nodeId)} "Show this step in the NemoCognition Replay view")`);
  return { value: lines.join('  \n'), enabledCommands: [REVEAL_STEP_COMMAND] };
}

function relativeTime(at: number, now: number): string {
  const s = Math.max(0, Math.round((now - at) / 1000));
  if (s < 60) return `${s}s ago`;
  if (s < 3600) return `${Math.round(s / 60)} min ago`;
  if (s < 86400) return `${Math.round(s / 3600)} h ago`;
  return new Date(at).toISOString().slice(0, 10);
}
