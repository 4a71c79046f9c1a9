import { Writable } from 'node:stream';
import { describe, expect, it } from 'vitest';
import { createLogger, redactUrlCredentials } from '../../../src/log/logger.js';

function capture() {
  const lines: string[] = [];
  const destination = new Writable({
    write(chunk, _enc, cb) {
      lines.push(String(chunk));
      cb();
    },
  });
  return { lines, log: createLogger({ level: 'debug', destination }) };
}

describe('logger', () => {
  it('never writes secrets: tokens in objects, credentials in URLs and error messages', () => {
    const { lines, log } = capture();
    log.info(
      { apiToken: 'tok-123', jira: { apiToken: 'tok-456', email: 'a@b.c' }, headers: { authorization: 'Basic xyz' } },
      'sync',
    );
    log.info('connecting to postgres://admin:s3cret@db:5432/rolecall');
    log.error({ err: new Error('SMTP refused smtp://mailer:hunter2@smtp.example.com:587') }, 'send failed');
    const out = lines.join('');
    for (const secret of ['tok-123', 'tok-456', 'Basic xyz', 's3cret', 'hunter2']) expect(out).not.toContain(secret);
    expect(out).toContain('[redacted]');
    expect(out).toContain('postgres://***@db:5432/rolecall');
  });

  it('strips user:password from any URL in text', () => {
    expect(redactUrlCredentials('redis://:pw@h:6379 and https://u:p@x.y/z')).toBe(
      'redis://***@h:6379 and https://***@x.y/z',
    );
  });
});
