import type { AddressInfo } from 'node:net';
import { type ParsedMail, simpleParser } from 'mailparser';
import nodemailer from 'nodemailer';
import { SMTPServer, type SMTPServerDataStream, type SMTPServerSession } from 'smtp-server';

export interface ReceivedMessage {
  rcptTo: string[];
  mailFrom: string;
  raw: Buffer;
  parsed: ParsedMail;
}

export interface SmtpSink {
  url: string;
  port: number;
  messages: ReceivedMessage[];
  /** Decides the reply to each DATA: undefined accepts; a number rejects with that SMTP code. */
  reply: (attempt: number) => number | undefined;
  attempts: number;
  close(): Promise<void>;
}

/**
 * The one SMTP server of the tests: real, on 127.0.0.1 (random port), keeping every message it accepts with its
 * envelope and parsed by mailparser. `reply` can reject chosen attempts with an SMTP code.
 */
export async function startSmtpSink(
  reply: (attempt: number) => number | undefined = () => undefined,
): Promise<SmtpSink> {
  const sink: SmtpSink = {
    url: '',
    port: 0,
    messages: [],
    reply,
    attempts: 0,
    close: async () => {},
  };
  const server = new SMTPServer({
    authOptional: true,
    disabledCommands: ['STARTTLS'],
    logger: false,
    size: 10 * 1024 * 1024,
    onData(stream: SMTPServerDataStream, session: SMTPServerSession, callback: (err?: Error | null) => void) {
      const chunks: Buffer[] = [];
      stream.on('data', (c: Buffer) => chunks.push(c));
      stream.on('end', async () => {
        sink.attempts++;
        const code = sink.reply(sink.attempts);
        if (code !== undefined) {
          const err = Object.assign(new Error(code >= 500 ? 'mailbox unavailable' : 'try again later'), {
            responseCode: code,
          });
          callback(err);
          return;
        }
        if (stream.sizeExceeded) {
          callback(Object.assign(new Error('message too big'), { responseCode: 552 }));
          return;
        }
        const raw = Buffer.concat(chunks);
        // keepCidLinks: by default mailparser rewrites cid: references into data: URIs.
        const parsed = await simpleParser(raw, { keepCidLinks: true });
        sink.messages.push({
          raw,
          parsed,
          rcptTo: session.envelope.rcptTo.map((r) => r.address),
          mailFrom: session.envelope.mailFrom ? session.envelope.mailFrom.address : '',
        });
        callback();
      });
    },
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const port = (server.server.address() as AddressInfo).port;
  sink.port = port;
  sink.url = `smtp://127.0.0.1:${port}`;
  sink.close = () => new Promise<void>((resolve) => server.close(() => resolve()));
  return sink;
}

/** A nodemailer transport to a sink's port, without TLS. */
export function sinkTransport(port: number) {
  return nodemailer.createTransport({ host: '127.0.0.1', port, secure: false, ignoreTLS: true });
}
