export { parsePolicy, type ParsedPolicy, type ParseOptions, type LandlockCompatibility } from './parsePolicy';
export { PolicyError, type PolicyIssue } from './policyError';
export { expandPolicy, POLICY_VARIABLES, type PolicyVariable, type PolicyVariables } from './variables';
export { DEFAULT_POLICY_PATH, DEFAULT_POLICY_YAML } from './defaultPolicy';
export { loadPolicyFile } from './loadPolicyFile';
export { policyWidening, describeWidening, policyHash, PolicyNotApprovedError, type PolicyWidening } from './widening';
