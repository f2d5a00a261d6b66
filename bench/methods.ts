/** Which methods a run compares, and how each is built over its own workspace copy. */
import type { CheckpointMethod } from './method';
import { EngineMethod } from './engineMethod';
import { ShadowGitMethod } from './gitMethod';
import { ENGINE_KEY, GIT_KEY, SCAN_KEY } from './report';

export interface MethodDirs {
  workspaceFor: (key: string) => string;
  storeFor: (key: string) => string;
  home: string;
  gitGc: boolean;
}

export const ALL_METHOD_KEYS: readonly string[] = [ENGINE_KEY, SCAN_KEY, GIT_KEY];

export function makeMethods(keys: readonly string[], d: MethodDirs): CheckpointMethod[] {
  return keys.map((k) => {
    if (k === GIT_KEY) return new ShadowGitMethod(d.workspaceFor(k), d.storeFor(k), d.home, d.gitGc);
    if (k === ENGINE_KEY) return new EngineMethod('NemoCognition (watcher)', k, d.workspaceFor(k), 'watcher');
    if (k === SCAN_KEY) return new EngineMethod('NemoCognition (full scan)', k, d.workspaceFor(k), 'full-scan');
    throw new Error(`Unknown method "${k}". Known: ${ALL_METHOD_KEYS.join(', ')}.`);
  });
}
