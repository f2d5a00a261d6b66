/** Wraps a command so a thrown error reaches the user with what to do, and the output channel with details. */
import * as vscode from 'vscode';
import { problemFromError } from '../run/problems';
import { showProblem } from '../run/showProblem';

export function guarded<A extends unknown[]>(output: vscode.LogOutputChannel, name: string, fn: (...args: A) => unknown): (...args: A) => Promise<void> {
  return async (...args: A) => {
    try {
      await fn(...args);
    } catch (err) {
      const p = problemFromError(err);
      output.error(`${name}: ${p.message}`);
      if (err instanceof Error && err.stack) output.debug(err.stack);
      await showProblem(p);
    }
  };
}
