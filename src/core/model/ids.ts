import { createHash, randomBytes } from 'node:crypto';

/** A sortable, unique id: `<prefix>_<time base36><random hex>`. */
export function newId(prefix: string): string {
  return `${prefix}_${Date.now().toString(36)}${randomBytes(6).toString('hex')}`;
}

/** OTLP trace id (32 lowercase hex) derived from a run id: one run is one trace. */
export function traceIdForRun(runId: string): string {
  return createHash('sha256').update(`trace:${runId}`).digest('hex').slice(0, 32);
}

/** OTLP span id (16 lowercase hex) derived from a node id, stable across sinks and replays. */
export function spanIdForNode(nodeId: string): string {
  return createHash('sha256').update(`span:${nodeId}`).digest('hex').slice(0, 16);
}
