import { describeTarget } from './mocha';
import { classifyTarget } from './targets/classify';

describeTarget(classifyTarget);
