import { describeTarget } from './mocha';
import { journalTarget } from './targets/journal';

describeTarget(journalTarget);
