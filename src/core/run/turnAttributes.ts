/** The attributes of an agent turn's AGENT span, from OpenClaw's envelope. */
import type { Attributes } from '../model/types';
import type { AgentTurnResult } from './agentPort';

export function turnAttributes(r: AgentTurnResult, supervisedToolCalls: number): Attributes {
  return {
    ...r.attributes,
    'nemocognition.agent.exit_code': r.exitCode ?? -1,
    'nemocognition.agent.duration_ms': r.durationMs,
    'nemocognition.agent.replay_invalid': r.replayInvalid,
    'nemocognition.agent.stop_reason': r.stopReason ?? '',
    'nemocognition.agent.supervised_tool_calls': supervisedToolCalls,
    ...(r.finalText ? { 'output.value': r.finalText.slice(0, 16_000) } : {}),
    ...(r.stderrTail ? { 'nemocognition.agent.stderr_tail': r.stderrTail.slice(-4000) } : {}),
  };
}
