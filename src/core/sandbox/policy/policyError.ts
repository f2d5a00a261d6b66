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
    const lines = [...issues].sort((a, b) => a.line - b.line || a.col - b.col).map((i) => `  ${source}:${i.line}:${i.col}: ${i.path ? `${i.path}: ` : ''}${i.message}`);
    super(
      `The sandbox policy ${source} is invalid:\n${lines.join('\n')}\n` +
        'Fix the lines above (the format is OpenShell\'s policy YAML, see the comments in the default .nemocognition/policy.yaml), or delete the file to use the default policy.',
    );
    this.name = 'PolicyError';
  }
}
