import { describeTarget } from './mocha';
import { protocolTarget } from './targets/protocol';

describeTarget(protocolTarget);
