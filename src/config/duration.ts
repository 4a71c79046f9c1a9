import { z } from 'zod';

const DURATION = /^(\d+)\s*(d|w|h)$/;

/** Parses `90d`, `12w`, `36h` into milliseconds; undefined when malformed. */
export function parseDuration(text: string): number | undefined {
  const m = DURATION.exec(text.trim());
  if (!m) return undefined;
  const n = Number(m[1]);
  const unit = m[2] === 'w' ? 7 * 86_400_000 : m[2] === 'd' ? 86_400_000 : 3_600_000;
  return n * unit;
}

/** A window such as `90d` (days), `12w` (weeks) or `48h` (hours). */
export const durationSchema = z.string().refine((s) => parseDuration(s) !== undefined && (parseDuration(s) ?? 0) > 0, {
  message: 'expected a duration like 90d, 12w or 48h',
});

export function durationDays(text: string): number {
  const ms = parseDuration(text);
  if (ms === undefined) throw new Error(`not a duration: ${text}`);
  return ms / 86_400_000;
}
