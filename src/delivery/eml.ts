import { mkdir, writeFile } from 'node:fs/promises';
import { dirname } from 'node:path';
import nodemailer from 'nodemailer';
import { type EmailMessage, toMailOptions } from './message.js';

/** The raw RFC 822 message nodemailer would send (stream transport, buffered). */
export async function buildRawMessage(message: EmailMessage, to: string[] = message.to ?? []): Promise<Buffer> {
  const transport = nodemailer.createTransport({ streamTransport: true, buffer: true, newline: 'windows' });
  const info = await transport.sendMail(toMailOptions(message, to));
  return info.message as Buffer;
}

/** Writes the message as an .eml file (for --dry-run and the demo); returns its size in bytes. */
export async function writeEml(message: EmailMessage, file: string): Promise<number> {
  const raw = await buildRawMessage(message);
  await mkdir(dirname(file), { recursive: true });
  await writeFile(file, raw);
  return raw.length;
}
