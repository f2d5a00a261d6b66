/**
 * Storyboard: a recorded run as the typed, versioned JSON contract that
 * travels (a video, a shared file, another tool), one scene per step.
 *
 *   const rec = await openRecordedRun(ws, { runId });                 // store (read-only) + snapshots
 *   const sb = buildStoryboard({ ...rec, snapshots: rec.snapshots ?? undefined, scrub });
 *   writeFileSync('run.storyboard.json', JSON.stringify(sb, null, 2));
 *   const again = readStoryboard(readFileSync('run.storyboard.json', 'utf8'));  // version + schema checked
 *
 * Contract: contract.ts (types) and storyboard.schema.json (the same as JSON Schema, shipped in the
 * package as dist/storyboard.schema.json). A scene has its kind (a policy decision is `policy_deny`
 * or `policy_allow`), branch, agent, timing (when it happened, how long a video holds it),
 * narration, the diff excerpt of the files it changed, the five classification scores and, for a
 * policy decision, the verdict. `policy_deny`, `recovery` and `fork` scenes are climaxes; a
 * checkpoint where one agent hands the shared sandbox to another is marked `crossAgent`.
 *
 * Cost: one pass over the run's nodes, plus one snapshot diff per tool call (O(changed files) each)
 * and a line diff of at most a few files per excerpt.
 *
 * Safety: every text comes from the agent, the model or the repository and stays text; the
 * builder runs everything through the caller's scrubber (snapshots hold raw file contents), and
 * the run's workspace appears by folder name only. Readers refuse a newer version and anything the
 * schema does not allow.
 */
export * from './contract';
export { buildStoryboard, type StoryboardInput } from './build';
export { readStoryboard, schemaErrors, StoryboardError } from './read';
export { openRecordedRun, type RecordedRun } from './recorded';
export { diffExcerpt, type SnapshotReader } from './diffExcerpt';
