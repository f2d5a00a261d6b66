/**
 * The demo model shipped with NemoCognition: a deterministic, scripted
 * OpenAI-compatible server used by the offline demo and by tests.
 *
 *   const m = await startDemoModel({ scenario: 'deny-and-recover' });
 *   // point an agent at m.baseUrl (model id m.model), then inspect m.requests
 *   await m.close();
 */
export { startDemoModel, DEMO_MODEL_ID, type DemoModel, type DemoModelOptions, type RecordedExchange } from './server';
export { SCENARIOS, getScenario, type ScenarioName } from './scenarios/index';
export { Conversation, RECOVERY_MARKER } from './conversation';
export type { Scenario, ScenarioReply, ScenarioOptions, PlannedToolCall } from './scenario';
