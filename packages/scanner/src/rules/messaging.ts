import type { Rule } from '../types.js';
import { LEFT, prefixedToken, RIGHT } from './define.js';

/**
 * Messaging and e-mail providers: Twilio, SendGrid, Mailgun, Mailchimp, Telegram, Discord,
 * Microsoft Teams, Postmark.
 *
 * @example
 * ```ts
 * messagingRules.map((r) => r.id);
 * ```
 */
export const messagingRules: Rule[] = [
  {
    id: 'twilio-api-key',
    description: 'Twilio API key (SK + 32 hex)',
    provider: 'twilio',
    keywords: ['SK'],
    keywordsCaseSensitive: true,
    pattern: new RegExp(`${LEFT}(SK[0-9a-f]{32})${RIGHT}`, 'g'),
    severity: 'high',
    minEntropy: 3.2,
    window: { before: 0, after: 40 },
  },
  {
    id: 'twilio-auth-token',
    description: 'Twilio auth token next to an account SID',
    provider: 'twilio',
    keywords: ['twilio', 'auth_token', 'authtoken'],
    pattern: /(?:twilio|auth)[\w.-]{0,20}?token["']?\s*(?::|=>|=)\s*["']?([0-9a-f]{32})(?![0-9A-Za-z])/gi,
    severity: 'high',
    minEntropy: 3.2,
    validate: (_s, ctx) => {
      const around = ctx.text.slice(Math.max(0, ctx.index - 1500), ctx.index + 1500);
      return /AC[0-9a-f]{32}/.test(around) || /twilio/i.test(around)
        ? { valid: true, confidence: /AC[0-9a-f]{32}/.test(around) ? 'high' : 'medium' }
        : false;
    },
  },
  prefixedToken({
    id: 'sendgrid-api-key',
    description: 'SendGrid API key',
    provider: 'sendgrid',
    prefix: 'SG.',
    body: '[A-Za-z0-9_-]{22}\\.[A-Za-z0-9_-]{43}',
    severity: 'high',
    right: '(?![A-Za-z0-9_-])',
    keywords: ['sg.'],
  }),
  {
    id: 'mailgun-api-key',
    description: 'Mailgun private API key',
    provider: 'mailgun',
    keywords: ['key-'],
    startsWith: 'key-',
    pattern: new RegExp(`${LEFT}(key-[0-9a-f]{32})${RIGHT}`, 'g'),
    severity: 'high',
    minEntropy: 3.2,
  },
  {
    id: 'mailchimp-api-key',
    description: 'Mailchimp API key',
    provider: 'mailchimp',
    keywords: ['-us'],
    keywordAt: 32,
    pattern: /(?<![A-Za-z0-9])([0-9a-f]{32}-us[0-9]{1,2})(?![A-Za-z0-9])/g,
    severity: 'medium',
    minEntropy: 3.2,
    window: { before: 40, after: 8 },
  },
  {
    id: 'telegram-bot-token',
    description: 'Telegram bot token',
    provider: 'telegram',
    keywords: [':AA'],
    keywordsCaseSensitive: true,
    pattern: /(?<![0-9A-Za-z])([0-9]{8,10}:AA[0-9A-Za-z_-]{33})(?![0-9A-Za-z_-])/g,
    severity: 'medium',
    minEntropy: 3.5,
    window: { before: 16, after: 48 },
  },
  {
    id: 'discord-bot-token',
    description: 'Discord bot token',
    provider: 'discord',
    keywords: ['discord'],
    // base64 of a numeric user id, a timestamp part and an HMAC.
    pattern: /(?<![A-Za-z0-9_-])([MNO][A-Za-z0-9_-]{23,25}\.[A-Za-z0-9_-]{6}\.[A-Za-z0-9_-]{27,38})(?![A-Za-z0-9_-])/g,
    severity: 'high',
    window: { before: 1000, after: 1000 },
    validate: (secret) => {
      const id = Buffer.from(secret.split('.')[0] ?? '', 'base64').toString('utf8');
      return /^\d{17,20}$/.test(id) ? { valid: true, details: { discord_user_id: id } } : false;
    },
  },
  {
    id: 'discord-webhook',
    description: 'Discord webhook URL',
    provider: 'discord',
    keywords: ['/api/webhooks/'],
    window: { before: 64, after: 0 },
    pattern: /(https:\/\/(?:ptb\.|canary\.)?discord(?:app)?\.com\/api\/webhooks\/\d{17,20}\/[A-Za-z0-9_-]{60,72})/g,
    severity: 'medium',
    confidence: 'high',
  },
  {
    id: 'microsoft-teams-webhook',
    description: 'Microsoft Teams incoming webhook URL',
    provider: 'microsoft',
    keywords: ['webhook.office.com'],
    window: { before: 96, after: 0 },
    pattern:
      /(https:\/\/[a-z0-9-]+\.webhook\.office\.com\/webhookb2\/[0-9a-f-]{36}@[0-9a-f-]{36}\/IncomingWebhook\/[0-9a-f]{32}\/[0-9a-f-]{36})/g,
    severity: 'medium',
    confidence: 'high',
  },
  prefixedToken({
    id: 'postman-api-key',
    description: 'Postman API key',
    provider: 'postman',
    prefix: 'PMAK-',
    body: '[0-9a-f]{24}-[0-9a-f]{34}',
    severity: 'high',
  }),
];
