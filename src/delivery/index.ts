export {
  CHART_IMAGE_PREFIX,
  chartImagePath,
  chartImageUrl,
  registerChartImageRoute,
  reportChartPng,
} from './chart-image.js';
export {
  asResult,
  type ChatDeliveryCommon,
  type ChatDeliveryOutcome,
  type ChatDeliveryResult,
  deliverChatOnce,
} from './chat-claims.js';
export { ChatSendError, parseRetryAfter } from './chat-failure.js';
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
export { deliverSlackDigest, type SlackDeliveryOptions, slackDestination } from './slack/deliver.js';
export { deliverTeamsDigest, type TeamsDeliveryOptions } from './teams/deliver.js';
export { classifySendError, createSmtpTransport, type MailTransport, type SendFailure } from './transport.js';
