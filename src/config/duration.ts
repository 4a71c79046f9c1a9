export { durationDays, durationSchema, parseDuration, windowSchema } from '../domain/keys.js';
