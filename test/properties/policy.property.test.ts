import { describeTarget } from './mocha';
import { policyTarget } from './targets/policy';

describeTarget(policyTarget);
