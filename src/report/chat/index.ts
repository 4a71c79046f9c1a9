export { type DigestChartPng, digestChartPng } from './chart.js';
export { cardLink, escapeCardMarkdown, escapeMrkdwn, fitMrkdwn, mrkdwnLink } from './escape.js';
export {
  SLACK_LIMITS,
  type SlackBlock,
  type SlackDigestMessage,
  type SlackDigestOptions,
  slackDigestMessage,
  slackLimitViolations,
} from './slack-blocks.js';
export {
  TEAMS_CARD_MAX_BYTES,
  type TeamsDigestOptions,
  type TeamsMessage,
  teamsDigestMessage,
  teamsMessageBytes,
} from './teams-card.js';
