/** What the task box says about the offline demo model (pure): it plays a script, whatever the task. */
import type { DemoScenario, NcSettings } from '../config/settings';

export function demoNote(s: Pick<NcSettings, 'modelPreset' | 'demoScenario'>): string | undefined {
  return s.modelPreset === 'demo'
    ? `Offline demo model: it plays the scripted scenario "${s.demoScenario}" whatever task you type (the beaker button picks another).`
    : undefined;
}

export const SCENARIO_TEXT: Record<DemoScenario, string> = {
  'deny-and-recover': 'denied a write outside the workspace; the recovery completes',
  'two-recoveries': 'denied twice; the second recovery completes',
  destructive: 'writes a file, then runs rm -rf src',
  timeout: 'the model hangs; the turn times out',
  'malformed-tool-call': 'a tool call with invalid JSON arguments',
  'hostile-text': 'markup in the model text, tool output and a note, shown as text',
};
