import type { Rule } from '../types.js';

/**
 * Social and streaming platforms: Facebook (Meta Graph API) access tokens and Twitch OAuth tokens.
 *
 * @example
 * ```ts
 * socialRules.map((r) => r.id); // ['facebook-access-token', 'twitch-oauth-token', 'twitch-chat-token']
 * ```
 */
export const socialRules: Rule[] = [
  {
    // Graph API tokens start `EAA` and a letter naming the app kind; `EAAA` is Square's prefix
    // (commerce.ts). Long and base62: a base64 blob that starts the same has `+` or `/` soon.
    id: 'facebook-access-token',
    anchor: 'keyword',
    description: 'Facebook (Meta Graph API) access token',
    provider: 'facebook',
    keywords: ['EAA'],
    keywordsCaseSensitive: true,
    pattern: /(?<![A-Za-z0-9+/_-])(EAA[B-Z][A-Za-z0-9]{90,400})(?![A-Za-z0-9+/=_-])/g,
    severity: 'high',
    confidence: 'medium',
    minEntropy: 4.5,
  },
  {
    // Twitch tokens are 30 lower-case letters and digits, as the client id is: only a name that
    // says token, secret, key or password makes one a credential.
    id: 'twitch-oauth-token',
    description: 'Twitch OAuth token or client secret',
    provider: 'twitch',
    keywords: ['twitch'],
    pattern: /(?:twitch|TWITCH|Twitch)([\w.-]{0,30}?)["']?\s*(?::|=>|=|,)\s*["']?(?:oauth:)?([a-z0-9]{30})(?![A-Za-z0-9])/g,
    secretGroup: 2,
    severity: 'high',
    confidence: 'medium',
    minEntropy: 3.8,
    window: { before: 0, after: 40 },
    validate: (secret, ctx) => {
      const name = ctx.match.slice(0, ctx.match.search(/["'\s:=,]/));
      return /token|secret|key|pass|oauth|auth/i.test(name) && !/client[_.-]?id/i.test(name) && /[0-9]/.test(secret);
    },
  },
  {
    // Twitch chat (IRC) logins: `PASS oauth:<token>` or a config's `oauth:<token>`.
    id: 'twitch-chat-token',
    anchor: 'keyword',
    description: 'Twitch chat (IRC) OAuth token',
    provider: 'twitch',
    keywords: ['oauth:'],
    pattern: /oauth:([a-z0-9]{30})(?![A-Za-z0-9])/g,
    severity: 'high',
    confidence: 'medium',
    minEntropy: 3.8,
    validate: (secret) => /[0-9]/.test(secret) && /[a-z]/.test(secret),
  },
];
