import type { Rule } from '../types.js';
import { LEFT, prefixedToken, RIGHT } from './define.js';

/**
 * Slack tokens and incoming webhooks.
 *
 * @example
 * ```ts
 * slackRules.find((r) => r.id === 'slack-webhook');
 * ```
 */
export const slackRules: Rule[] = [
  prefixedToken({
    id: 'slack-bot-token',
    description: 'Slack bot token',
    provider: 'slack',
    prefix: 'xoxb-',
    body: '[0-9]{10,13}-[0-9]{10,13}-[0-9A-Za-z]{24,}',
    severity: 'high',
  }),
  prefixedToken({
    id: 'slack-user-token',
    description: 'Slack user token',
    provider: 'slack',
    prefix: 'xoxp-',
    body: '[0-9]{10,13}-[0-9]{10,13}-[0-9]{10,13}-[0-9a-f]{32}',
    severity: 'critical',
  }),
  {
    id: 'slack-legacy-token',
    anchor: 'keyword',
    description: 'Slack legacy workspace, app or session token',
    provider: 'slack',
    keywords: ['xoxa-', 'xoxo-', 'xoxs-', 'xoxr-'],
    pattern: new RegExp(`${LEFT}(xox[aors]-(?:\\d+-)?[0-9A-Za-z]{8,}(?:-[0-9A-Za-z]{4,})*)${RIGHT}`, 'g'),
    severity: 'high',
    minEntropy: 3.3,
  },
  prefixedToken({
    id: 'slack-config-token',
    description: 'Slack configuration access token',
    provider: 'slack',
    prefix: 'xoxe.xox',
    body: '[bp]-\\d-[0-9A-Za-z]{140,}',
    severity: 'high',
  }),
  prefixedToken({
    id: 'slack-config-refresh-token',
    description: 'Slack configuration refresh token',
    provider: 'slack',
    prefix: 'xoxe-',
    body: '\\d-[0-9A-Za-z]{140,}',
    severity: 'high',
  }),
  prefixedToken({
    id: 'slack-app-token',
    description: 'Slack app-level token',
    provider: 'slack',
    prefix: 'xapp-',
    body: '\\d-[0-9A-Z]{9,12}-\\d{10,14}-[0-9a-f]{64}',
    severity: 'high',
  }),
  {
    id: 'slack-webhook',
    description: 'Slack incoming webhook URL',
    provider: 'slack',
    keywords: ['hooks.slack.com'],
    pattern: /(https:\/\/hooks\.slack\.com\/(?:services|workflows|triggers)\/[A-Za-z0-9+/]{8,}\/[A-Za-z0-9+/]{8,}\/[A-Za-z0-9+/]{16,})/g,
    severity: 'medium',
    confidence: 'high',
    minEntropy: 3.5,
  },
];
