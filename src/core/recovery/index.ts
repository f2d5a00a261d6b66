export { buildCorrectionPrompt, RECOVERY_MARKER, type CorrectionInput, type DeniedAction } from './correctionPrompt';
export { needsRecovery, type TurnFacts, type RecoveryVerdict } from './decide';
export { buildForkPrompt, FORK_MARKER, type ForkHistoryStep, type ForkPromptInput } from './forkPrompt';
export { allowedByPolicy, type AllowedByPolicy, type PolicyLabels } from './policyInForce';
