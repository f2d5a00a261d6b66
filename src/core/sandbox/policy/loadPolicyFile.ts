/**
 * Reads the policy: an explicit file when given (it must exist), else the
 * workspace's `.nemocognition/policy.yaml`, else the default policy.
 */
import { readFile } from 'node:fs/promises';
import { join, resolve } from 'node:path';
import { DEFAULT_POLICY_PATH, DEFAULT_POLICY_YAML } from './defaultPolicy';
import { parsePolicy, type ParsedPolicy } from './parsePolicy';
import type { PolicyVariables } from './variables';

export async function loadPolicyFile(workspace: string, variables?: PolicyVariables, file?: string): Promise<ParsedPolicy & { path: string | null; text: string | null }> {
  const path = file ? resolve(workspace, file) : join(workspace, DEFAULT_POLICY_PATH);
  let text: string;
  try {
    text = await readFile(path, 'utf8');
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code !== 'ENOENT') throw err;
    if (file) {
      throw Object.assign(new Error(`The sandbox policy file ${path} does not exist.`), {
        fix: 'Correct nemocognition.sandbox.policyFile (or --policy), or clear it to use .nemocognition/policy.yaml or the built-in default policy.',
      });
    }
    return { ...parsePolicy(DEFAULT_POLICY_YAML, { source: 'default policy', name: 'default', variables }), path: null, text: null };
  }
  return { ...parsePolicy(text, { source: file ? path : DEFAULT_POLICY_PATH, variables }), path, text };
}
