/** Which methods a run compares, and how each is built over its workspace copy. */
import type { CheckpointMethod } from './method';
import { ShadowGitMethod } from './gitMethod';
import { ENGINE_KEY, GIT_KEY, SCAN_KEY } from './report';

export interface MethodDirs {
  workspaceFor: (key: string) => string;
  storeFor: (key: string) => string;
  home: string;
  gitGc: boolean;
}

// TODO(nemocog): wire NemoCognition's engine (src/core/snapshots/index.ts) once it lands.
export async function engineAvailability(): Promise<{ ok: true } | { ok: false; reason: string }> {
  return { ok: false, reason: 'src/core/snapshots/index.ts is not there yet' };
}

export function methodKeys(engine: boolean): string[] {
  return engine ? [ENGINE_KEY, SCAN_KEY, GIT_KEY] : [GIT_KEY];
}

export function makeAllMethods(keys: readonly string[], d: MethodDirs): CheckpointMethod[] {
  return keys.map((k) => {
    if (k === GIT_KEY) return new ShadowGitMethod(d.workspaceFor(k), d.storeFor(k), d.home, d.gitGc);
    throw new Error(`no method ${k}`);
  });
}
