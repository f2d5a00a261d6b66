export { classifyToolCall } from './classify';
export { preToolDecision, type PreToolDecision } from './decide';
export { decideRecovery, type RecoveryDecision } from './recovery';
export { detectKernelDenials } from './denials';
export { attributeDenials, type DenialAttribution, type DenialContext } from './confirmDenial';
export { classificationAttributes, decisionAttributes } from './attributes';
export { parseShell } from './shell';
export type * from './types';
