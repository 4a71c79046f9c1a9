import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { simpleParser } from 'mailparser';
import { describe, expect, it } from 'vitest';
import { writeEml } from '../../src/delivery/index.js';
import { orgMessage } from '../helpers/org-email.js';

describe('writeEml', () => {
  it('writes a complete RFC 822 message that parses back with its images', async () => {
    const file = join(mkdtempSync(join(tmpdir(), 'rolecall-eml-')), 'out', 'email.eml');
    const message = { ...orgMessage(), to: ['cto@example.com'] };
    const bytes = await writeEml(message, file);
    const raw = readFileSync(file);
    expect(raw.length).toBe(bytes);
    expect(raw.toString('latin1')).toContain('\r\n');
    const mail = await simpleParser(raw, { keepCidLinks: true });
    expect(mail.subject).toBe(message.subject);
    expect(mail.to && !Array.isArray(mail.to) ? mail.to.value[0]?.address : undefined).toBe('cto@example.com');
    expect(mail.attachments.length).toBe(message.attachments.length);
    expect(mail.text).toContain('NEEDS ATTENTION');
  });
});
