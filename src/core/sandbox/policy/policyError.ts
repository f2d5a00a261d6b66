/** Everything wrong with a policy file, each with its line and column, in one error. */

export interface PolicyIssue {
  /** 1-based; 0 when the problem has no single place (e.g. an empty file). */
  line: number;
  col: number;
  /** Dotted path of the offending field, e.g. "network_policies.gateway.endpoints[0].port". */
  path: string;
  message: string;
}

export class PolicyError extends Error {
  constructor(
    public readonly source: string,
    public readonly issues: PolicyIssue[],
  ) {
    const lines = [...issues].sort((a, b) => a.line - b.line || a.col - b.col).map((i) => `  ${source}:${i.line}:${i.col}: ${i.path ? `${i.path}: ` : ''}${escapeControls(i.message)}`);
    super(
      `The sandbox policy ${source} is invalid:\n${lines.join('\n')}\n` +
        'Fix the lines above (the format is OpenShell\'s policy YAML, see the comments in the default .nemocognition/policy.yaml), or delete the file to use the default policy.',
    );
    this.name = 'PolicyError';
  }
}

/** The file is the repository's: control characters in a message (a terminal escape, say) are shown, not sent. */
function escapeControls(text: string): string {
  return text.replace(/[\u0000-\u001f\u007f-\u009f\u2028\u2029]/g, (c) => `\\u${c.charCodeAt(0).toString(16).padStart(4, '0')}`);
}
