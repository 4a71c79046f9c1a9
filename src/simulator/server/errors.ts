/** An error answered in Jira's shape: `{"errorMessages": [...], "errors": {...}}`. */
export class JiraHttpError extends Error {
  constructor(
    readonly status: number,
    readonly errorMessages: string[],
    readonly errors: Record<string, string> = {},
    readonly headers: Record<string, string> = {},
  ) {
    super(errorMessages[0] ?? `HTTP ${status}`);
    this.name = 'JiraHttpError';
  }

  body(): { errorMessages: string[]; errors: Record<string, string> } {
    return { errorMessages: this.errorMessages, errors: this.errors };
  }
}

export const badRequest = (message: string, errors: Record<string, string> = {}) =>
  new JiraHttpError(400, [message], errors);
export const notFound = (message: string) => new JiraHttpError(404, [message]);
