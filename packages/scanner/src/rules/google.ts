import type { Rule } from '../types.js';
import { prefixedToken } from './define.js';

/**
 * Google API keys, OAuth client secrets, OAuth refresh and access tokens, and GCP service-account
 * key files.
 *
 * @example
 * ```ts
 * googleRules.map((r) => r.id);
 * ```
 */
export const googleRules: Rule[] = [
  prefixedToken({
    id: 'google-api-key',
    description: 'Google API key',
    provider: 'google',
    prefix: 'AIza',
    body: '[0-9A-Za-z_-]{35}',
    severity: 'high',
    minEntropy: 3.5,
    right: '(?![A-Za-z0-9_-])',
  }),
  prefixedToken({
    id: 'google-oauth-client-secret',
    description: 'Google OAuth client secret',
    provider: 'google',
    prefix: 'GOCSPX-',
    body: '[0-9A-Za-z_-]{28}',
    severity: 'high',
    right: '(?![A-Za-z0-9_-])',
  }),
  prefixedToken({
    id: 'google-oauth-refresh-token',
    description: 'Google OAuth refresh token',
    provider: 'google',
    prefix: '1//0',
    body: '[0-9A-Za-z_-]{40,300}',
    severity: 'high',
    minEntropy: 4,
    right: '(?![A-Za-z0-9_-])',
  }),
  prefixedToken({
    id: 'google-oauth-access-token',
    description: 'Google OAuth access token (valid for an hour)',
    provider: 'google',
    prefix: 'ya29.',
    body: '[0-9A-Za-z_-]{30,2000}',
    severity: 'medium',
    minEntropy: 4,
    right: '(?![A-Za-z0-9_-])',
  }),
  {
    // Firebase Cloud Messaging legacy server keys: an instance id, `:APA91b`, and 134 characters.
    id: 'firebase-cloud-messaging-server-key',
    anchor: { back: '[A-Za-z0-9_-]', max: 12 },
    description: 'Firebase Cloud Messaging server key',
    provider: 'google',
    keywords: [':apa91b'],
    pattern: /(?<![A-Za-z0-9_-])(AAAA[A-Za-z0-9_-]{7}:APA91b[A-Za-z0-9_-]{134})(?![A-Za-z0-9_-])/g,
    severity: 'high',
    confidence: 'high',
    minEntropy: 4,
  },
  {
    id: 'gcp-service-account-key',
    description: 'GCP service-account key file (JSON with a private key)',
    provider: 'google',
    keywords: ['service_account'],
    // The private key follows "type": "service_account" within the same small JSON object.
    pattern:
      /"type"\s*:\s*"service_account"[\s\S]{0,2000}?"private_key"\s*:\s*"(-----BEGIN (?:RSA )?PRIVATE KEY-----[A-Za-z0-9+/=\\n\s]{64,}?-----END (?:RSA )?PRIVATE KEY-----(?:\\n)?)"/g,
    severity: 'critical',
    confidence: 'high',
    window: { before: 2500, after: 6000 },
    validate: (_secret, ctx) => {
      const email = /"client_email"\s*:\s*"([^"@\s]+@[^"\s]+\.iam\.gserviceaccount\.com)"/.exec(
        ctx.text.slice(ctx.index, ctx.index + ctx.match.length + 2000),
      );
      return { valid: true, ...(email?.[1] ? { details: { client_email: email[1] } } : {}) };
    },
  },
];
