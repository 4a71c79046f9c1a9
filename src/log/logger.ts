import pino, { type Logger } from 'pino';

export type { Logger };

/** Paths pino blanks out wherever they appear in a log record. */
export const REDACTED_PATHS = [
  'password',
  'apiToken',
  'token',
  'pat',
  'authorization',
  'Authorization',
  'secret',
  '*.password',
  '*.apiToken',
  '*.token',
  '*.pat',
  '*.authorization',
  '*.Authorization',
  '*.secret',
  'headers.authorization',
  '*.headers.authorization',
  'JIRA_API_TOKEN',
  'JIRA_PAT',
  'ROLECALL_API_TOKEN',
  'SMTP_URL',
  'DATABASE_URL',
  'REDIS_URL',
  '*.JIRA_API_TOKEN',
  '*.JIRA_PAT',
  '*.ROLECALL_API_TOKEN',
  '*.SMTP_URL',
  '*.DATABASE_URL',
  '*.REDIS_URL',
];

const URL_CREDENTIALS = /(\b[a-z][a-z0-9+.-]*:\/\/)([^/\s:@]*)(?::([^/\s@]*))?@/gi;

/** Removes `user:password@` from URLs inside free text (error messages often quote connection strings). */
export function redactUrlCredentials(text: string): string {
  return text.replace(URL_CREDENTIALS, (_m, scheme: string) => `${scheme}***@`);
}

export interface LoggerOptions {
  level?: string;
  name?: string;
  /** Where records go; default stderr so stdout stays free for `--json` results. */
  destination?: pino.DestinationStream;
}

export function createLogger(options: LoggerOptions = {}): Logger {
  return pino(
    {
      name: options.name ?? 'rolecall',
      level: options.level ?? process.env.LOG_LEVEL ?? 'info',
      redact: { paths: REDACTED_PATHS, censor: '[redacted]' },
      formatters: { level: (label) => ({ level: label }) },
      hooks: {
        logMethod(args, method) {
          const redacted = args.map((a) => (typeof a === 'string' ? redactUrlCredentials(a) : a)) as typeof args;
          method.apply(this, redacted);
        },
      },
      serializers: {
        err: (err: Error) => {
          const out = pino.stdSerializers.err(err);
          out.message = redactUrlCredentials(out.message);
          if (out.stack) out.stack = redactUrlCredentials(out.stack);
          return out;
        },
      },
    },
    options.destination ?? pino.destination({ fd: 2, sync: true }),
  );
}

/** A logger that drops everything (tests, library use). */
export const silentLogger: Logger = pino({ level: 'silent' });
