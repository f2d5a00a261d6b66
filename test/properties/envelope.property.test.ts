import { describeTarget } from './mocha';
import { envelopeTarget } from './targets/envelope';

describeTarget(envelopeTarget);
