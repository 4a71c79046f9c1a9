/**
 * An error meant for the person at the terminal: a one-line message naming the cause, an optional fix hint,
 * and the exit code docs/architecture.md §5 prescribes (1 failure, 2 bad input or configuration).
 */
export class CliError extends Error {
  constructor(
    message: string,
    public readonly exitCode: 1 | 2 = 1,
    public readonly hint?: string,
  ) {
    super(message);
    this.name = 'CliError';
  }
}

/** Bad input or configuration: exit code 2. */
export class UsageError extends CliError {
  constructor(message: string, hint?: string) {
    super(message, 2, hint);
    this.name = 'UsageError';
  }
}
