/** An error the CLI prints as "what happened → what to do". */
export class CliError extends Error {
  constructor(message: string, public readonly fix: string, public readonly exitCode = 2) {
    super(message);
    this.name = 'CliError';
  }
}
