export { startGateway, DEFAULT_MAX_BODY_BYTES, DEFAULT_UPSTREAM_TIMEOUT_MS, DEFAULT_HOOK_TIMEOUT_MS } from './server';
export { toOpenInferenceAttributes } from './attributes';
export { applyReasoning, DEFAULT_NIM_BASE_URL, DEFAULT_NEMOTRON_MODEL, KNOWN_NEMOTRON_MODELS, type ReasoningMode } from './reasoning';
export type * from './types';
export { normalizeToolCallId, toolCallIdsMatch } from './tool-ids';
export { rejectionDecision } from './rejections';
