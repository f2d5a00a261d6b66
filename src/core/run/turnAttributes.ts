/** The attributes of an agent turn's AGENT span, from OpenClaw's envelope. */
import type { Attributes } from '../model/types';
import { clipScrubbedText } from '../recorder/recorder';
import type { AgentTurnResult } from './agentPort';

const TAIL_CHARS = 4000;

/**
 * The end of a scrubbed text. A tail is cut at its start, maybe inside a secret
 * (here or where it was taken upstream): the partial first line is dropped.
 */
export function scrubbedTail(text: string, scrub: (s: string) => string, max = TAIL_CHARS): string {
  const s = scrub(text);
  if (s.length < max) return s;
  const tail = s.slice(-max);
  const nl = tail.indexOf('\n');
  return nl >= 0 ? tail.slice(nl + 1) : '';
}

export function turnAttributes(r: AgentTurnResult, supervisedToolCalls: number, scrub: (s: string) => string = (s) => s): Attributes {
  return {
    ...r.attributes,
    'nemocognition.agent.exit_code': r.exitCode ?? -1,
    'nemocognition.agent.duration_ms': r.durationMs,
    'nemocognition.agent.replay_invalid': r.replayInvalid,
    'nemocognition.agent.stop_reason': r.stopReason ?? '',
    'nemocognition.agent.supervised_tool_calls': supervisedToolCalls,
    ...(r.finalText ? { 'output.value': clipScrubbedText(scrub(r.finalText), 16_000) } : {}),
    ...(r.stderrTail ? { 'nemocognition.agent.stderr_tail': scrubbedTail(r.stderrTail, scrub) } : {}),
  };
}
