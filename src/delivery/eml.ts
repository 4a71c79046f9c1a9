import { mkdir } from 'node:fs/promises';
import { dirname, resolve } from 'node:path';
import nodemailer from 'nodemailer';
import { fileWriteError, writeFileAtomic } from '../util/atomic-file.js';
import { type EmailMessage, toMailOptions } from './message.js';

/** The raw RFC 822 message nodemailer would send (stream transport, buffered). */
export async function buildRawMessage(message: EmailMessage, to: string[] = message.to ?? []): Promise<Buffer> {
  const transport = nodemailer.createTransport({ streamTransport: true, buffer: true, newline: 'windows' });
  const info = await transport.sendMail(toMailOptions(message, to));
  return info.message as Buffer;
}

/**
 * Writes the message as an .eml file (for --dry-run and the demo), atomically; returns its size in bytes.
 * Throws FileWriteError (one line: path and cause).
 */
export async function writeEml(message: EmailMessage, file: string): Promise<number> {
  const raw = await buildRawMessage(message);
  try {
    await mkdir(dirname(resolve(file)), { recursive: true });
  } catch (err) {
    throw fileWriteError(dirname(resolve(file)), err);
  }
  await writeFileAtomic(file, raw);
  return raw.length;
}
