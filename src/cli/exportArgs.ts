/** What `nemocog storyboard | render | export-html` share: the workspace, the run, the scrubber. */
import { resolve } from 'node:path';
import { Scrubber } from '../core/redact';
import { CliError } from './errors';
import pkg from '../../package.json';

export const NEMOCOG_VERSION: string = pkg.version;

export function workspaceArg(positionals: string[], command: string): string {
  if (positionals.length > 1) throw new CliError(`${command} takes one workspace, got ${positionals.length}.`, `Run \`nemocog ${command} <workspace> [--run <id>]\`.`);
  return resolve(positionals[0] ?? '.');
}

/** The scrubber every export runs its text through: credential patterns, plus the model key when the environment has it. */
export function exportScrubber(): Scrubber {
  const s = new Scrubber();
  s.addSecret(process.env.NEMOCOG_API_KEY, 'model-api-key');
  return s;
}
