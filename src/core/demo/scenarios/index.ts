import type { Scenario } from '../scenario';
import { denyAndRecover } from './denyAndRecover';
import { destructive } from './destructive';
import { envProbe } from './envProbe';
import { hostile } from './hostile';
import { hostileText } from './hostileText';
import { malformedToolCall } from './malformedToolCall';
import { pair } from './pair';
import { timeout } from './timeout';
import { twoRecoveries } from './twoRecoveries';

export const SCENARIOS: Readonly<Record<string, Scenario>> = Object.freeze({
  [denyAndRecover.name]: denyAndRecover,
  [destructive.name]: destructive,
  [timeout.name]: timeout,
  [malformedToolCall.name]: malformedToolCall,
  [twoRecoveries.name]: twoRecoveries,
  [envProbe.name]: envProbe,
  [hostile.name]: hostile,
  [hostileText.name]: hostileText,
  [pair.name]: pair,
});

export type ScenarioName = 'deny-and-recover' | 'destructive' | 'timeout' | 'malformed-tool-call' | 'two-recoveries' | 'env-probe' | 'hostile' | 'hostile-text' | 'pair';

export function getScenario(name: string): Scenario {
  const s = SCENARIOS[name];
  if (!s) throw new Error(`Unknown demo scenario "${name}". Use one of: ${Object.keys(SCENARIOS).join(', ')}.`);
  return s;
}
