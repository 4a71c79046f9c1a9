export {
  backoffDelay,
  type DeliverOptions,
  type DeliveryLog,
  type DeliveryOutcome,
  type DeliveryResult,
  deliverReport,
} from './deliver.js';
export { buildRawMessage, writeEml } from './eml.js';
export { type EmailMessage, stableMessageId, toMailOptions } from './message.js';
export { classifySendError, createSmtpTransport, type MailTransport, type SendFailure } from './transport.js';
