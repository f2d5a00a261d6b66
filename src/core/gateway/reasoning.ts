/**
 * Reasoning ("thinking") controls for Nemotron models on NIM, as NVIDIA's API
 * reference documents them (docs.api.nvidia.com, nvidia/nemotron-3-super-120b-a12b):
 * reasoning is toggled through `chat_template_kwargs` (`enable_thinking`, and
 * `low_effort` for Super's short-trace mode), and `reasoning_budget` caps the
 * thinking tokens (-1 = no cap). Older Llama-Nemotron models use a
 * "detailed thinking on/off" system prompt instead; that is left to the agent.
 *
 * 'adaptive' (the seed's `--thinking adaptive`) turns thinking on without a
 * budget of ours, so the model decides how much each step needs.
 */
export type ReasoningMode = 'passthrough' | 'off' | 'low' | 'high' | 'adaptive';

export const DEFAULT_NIM_BASE_URL = 'https://integrate.api.nvidia.com/v1';
export const DEFAULT_NEMOTRON_MODEL = 'nvidia/nemotron-3-super-120b-a12b';

/** Nemotron ids NIM's hosted catalogue documents (for settings pickers; any id works). */
export const KNOWN_NEMOTRON_MODELS = [
  'nvidia/nemotron-3-super-120b-a12b',
  'nvidia/nemotron-3-nano-30b-a3b',
  'nvidia/nvidia-nemotron-nano-9b-v2',
  'nvidia/llama-3.3-nemotron-super-49b-v1.5',
] as const;

const KWARGS: Record<Exclude<ReasoningMode, 'passthrough'>, Record<string, boolean>> = {
  off: { enable_thinking: false },
  low: { enable_thinking: true, low_effort: true },
  high: { enable_thinking: true },
  adaptive: { enable_thinking: true },
};

/**
 * Adds the reasoning controls to a chat request body. The agent's own
 * explicit settings win: the gateway only fills in what is missing.
 */
export function applyReasoning(body: Record<string, unknown>, mode: ReasoningMode = 'passthrough', budget?: number): void {
  if (mode === 'passthrough') return;
  const existing = body.chat_template_kwargs;
  const kw = existing && typeof existing === 'object' && !Array.isArray(existing) ? (existing as Record<string, unknown>) : {};
  body.chat_template_kwargs = { ...KWARGS[mode], ...kw };
  if (budget !== undefined && body.reasoning_budget === undefined && mode !== 'off') body.reasoning_budget = budget;
}
