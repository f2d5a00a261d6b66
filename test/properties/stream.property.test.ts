import { describeTarget } from './mocha';
import { streamTarget } from './targets/stream';

describeTarget(streamTarget);
