export { buildCorrectionPrompt, RECOVERY_MARKER, type CorrectionInput, type DeniedAction } from './correctionPrompt';
export { needsRecovery, type TurnFacts, type RecoveryVerdict } from './decide';
export { allowedByPolicy, type AllowedByPolicy, type PolicyLabels } from './policyInForce';
