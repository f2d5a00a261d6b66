/**
 * Reads the policy: an explicit file when given (it must exist), else the
 * workspace's `.nemocognition/policy.yaml`, else the default policy.
 *
 * The file comes from the repository: it is opened without blocking (a FIFO
 * cannot stall the read), must be a regular file (not /dev/zero through a
 * symlink), and is read only up to the size limit.
 */
import { constants } from 'node:fs';
import { open } from 'node:fs/promises';
import { join, resolve } from 'node:path';
import { DEFAULT_POLICY_PATH, DEFAULT_POLICY_YAML } from './defaultPolicy';
import { parsePolicy, type ParsedPolicy } from './parsePolicy';
import { PolicyError } from './policyError';
import type { PolicyVariables } from './variables';
import { MAX_POLICY_BYTES } from './yamlLimits';

export async function loadPolicyFile(workspace: string, variables?: PolicyVariables, file?: string): Promise<ParsedPolicy & { path: string | null; text: string | null }> {
  const path = file ? resolve(workspace, file) : join(workspace, DEFAULT_POLICY_PATH);
  const source = file ? path : DEFAULT_POLICY_PATH;
  let text: string;
  try {
    text = await readBounded(path, source);
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code !== 'ENOENT') throw err;
    if (file) {
      throw Object.assign(new Error(`The sandbox policy file ${path} does not exist.`), {
        fix: 'Correct nemocognition.sandbox.policyFile (or --policy), or clear it to use .nemocognition/policy.yaml or the built-in default policy.',
      });
    }
    return { ...parsePolicy(DEFAULT_POLICY_YAML, { source: 'default policy', name: 'default', variables }), path: null, text: null };
  }
  return { ...parsePolicy(text, { source, variables }), path, text };
}

async function readBounded(path: string, source: string): Promise<string> {
  const refuse = (message: string) => new PolicyError(source, [{ line: 0, col: 0, path: '', message }]);
  let fh;
  try {
    fh = await open(path, constants.O_RDONLY | constants.O_NONBLOCK);
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code;
    if (code === 'ENOENT') throw err;
    throw refuse(`the file cannot be opened (${code ?? String(err)})`);
  }
  try {
    const st = await fh.stat();
    if (!st.isFile()) throw refuse('it is not a regular file (a device, a pipe or a folder); a policy must be a plain YAML file');
    if (st.size > MAX_POLICY_BYTES) throw refuse(`the file is ${st.size} bytes, larger than the ${MAX_POLICY_BYTES / 1024} KiB a policy may be`);
    const buf = Buffer.alloc(MAX_POLICY_BYTES + 1);
    let n = 0;
    for (;;) {
      const { bytesRead } = await fh.read(buf, n, buf.length - n, n);
      if (bytesRead === 0) break;
      n += bytesRead;
      if (n > MAX_POLICY_BYTES) throw refuse(`the file is larger than the ${MAX_POLICY_BYTES / 1024} KiB a policy may be`);
    }
    return buf.toString('utf8', 0, n);
  } catch (err) {
    if (err instanceof PolicyError) throw err;
    throw refuse(`the file cannot be read (${(err as NodeJS.ErrnoException).code ?? String(err)})`);
  } finally {
    await fh.close();
  }
}
