/** Reads the workspace's policy file, falling back to the default policy when there is none. */
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { DEFAULT_POLICY_PATH, DEFAULT_POLICY_YAML } from './defaultPolicy';
import { parsePolicy, type ParsedPolicy } from './parsePolicy';
import type { PolicyVariables } from './variables';

export async function loadPolicyFile(workspace: string, variables?: PolicyVariables): Promise<ParsedPolicy & { path: string | null }> {
  const path = join(workspace, DEFAULT_POLICY_PATH);
  let text: string;
  try {
    text = await readFile(path, 'utf8');
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code !== 'ENOENT') throw err;
    return { ...parsePolicy(DEFAULT_POLICY_YAML, { source: 'default policy', name: 'default', variables }), path: null };
  }
  return { ...parsePolicy(text, { source: DEFAULT_POLICY_PATH, variables }), path };
}
