import { crc32 } from '@tokenwarden/core/formats';
import { shannonEntropy } from '../text/entropy.js';
import { isPlaceholder } from '../text/placeholders.js';
import type { Rule, Validation } from '../types.js';
import { DASHED_RIGHT, decodeBase64Url, jsonObjectOf, LEFT, prefixedToken } from './define.js';

/**
 * True when a Grafana service account token (`glsa_<32 random>_<8 hex>`) carries its checksum:
 * Grafana appends the CRC32 (IEEE) of everything before the last `_`, its four bytes written
 * least significant first, in lower-case hex.
 *
 * @example
 * ```ts
 * hasGrafanaChecksum('glsa_' + 'a'.repeat(32) + '_00000000'); // false
 * ```
 */
export function hasGrafanaChecksum(token: string): boolean {
  const cut = token.lastIndexOf('_');
  const sum = crc32(token.slice(0, cut));
  const le = ((sum & 0xff) << 24) | ((sum & 0xff00) << 8) | ((sum >>> 8) & 0xff00) | (sum >>> 24);
  return (le >>> 0).toString(16).padStart(8, '0') === token.slice(cut + 1);
}

// The JSON object a token body encodes, written as such from its first character.
function jsonObject(base64: string): Record<string, unknown> | undefined {
  const text = decodeBase64Url(base64);
  return text?.startsWith('{') ? jsonObjectOf(text) : undefined;
}

// Words joined by separators (`your-grafana-api-key`): what documentation writes for the key.
const WORDS = /^[A-Za-z]+(?:[-_ .][A-Za-z]+)+$/;

// The random key inside a Grafana token's JSON: long enough, and not a documentation filler.
function realKey(key: unknown): key is string {
  return typeof key === 'string' && key.length >= 16 && !WORDS.test(key) && !isPlaceholder(key);
}

/**
 * Grafana Cloud access policy tokens are `glc_` and the base64 of a JSON object naming the
 * organisation (`o`), the token (`n`), its random key (`k`) and the region (`m.r`). Only a body
 * that decodes to such an object with a real key is one.
 *
 * @example
 * ```ts
 * validateGrafanaCloudToken('glc_' + Buffer.from('{"o":"1","n":"t","k":"x"}').toString('base64')).valid; // false (short key)
 * ```
 */
export function validateGrafanaCloudToken(token: string): Validation {
  const body = jsonObject(token.slice(4));
  if (!body || !realKey(body.k) || (typeof body.o !== 'string' && typeof body.o !== 'number')) return { valid: false };
  return { valid: true, details: { org: String(body.o).slice(0, 32) } };
}

/**
 * Sentry's auth tokens: a user token is `sntryu_` and 64 hex digits; an organisation token is
 * `sntrys_`, the base64 of a JSON object with its issue time (`iat`) and the region's URL
 * (`region_url`), `_` and a 43-character secret. Only bodies of that shape are tokens.
 *
 * @example
 * ```ts
 * validateSentryToken('sntryu_' + 'ab'.repeat(32)).valid; // false (too regular)
 * ```
 */
export function validateSentryToken(token: string): Validation {
  if (token.startsWith('sntryu_')) {
    const hex = token.slice(7);
    return { valid: /^[0-9a-f]{64}$/.test(hex) && shannonEntropy(hex) >= 3.2 };
  }
  const cut = token.lastIndexOf('_');
  const secret = token.slice(cut + 1);
  const body = jsonObject(token.slice(7, cut));
  if (!body || typeof body.iat !== 'number' || typeof body.region_url !== 'string') return { valid: false };
  return { valid: /^[A-Za-z0-9+/]{43}$/.test(secret) && shannonEntropy(secret) >= 4 };
}

/**
 * Monitoring and observability services: Grafana, Sentry, Datadog, New Relic.
 *
 * @example
 * ```ts
 * observabilityRules.find((r) => r.id === 'grafana-service-account-token');
 * ```
 */
export const observabilityRules: Rule[] = [
  prefixedToken({
    id: 'grafana-cloud-token',
    description: 'Grafana Cloud access policy token',
    provider: 'grafana',
    prefix: 'glc_',
    body: 'eyJ[A-Za-z0-9+/]{40,600}={0,2}',
    severity: 'high',
    right: '(?![A-Za-z0-9+/=_])',
    validate: validateGrafanaCloudToken,
  }),
  prefixedToken({
    id: 'grafana-service-account-token',
    description: 'Grafana service account token (CRC32-checked)',
    provider: 'grafana',
    prefix: 'glsa_',
    body: '[A-Za-z0-9]{32}_[a-f0-9]{8}',
    severity: 'high',
    checksummed: true,
    // The checksum decides: a filler body with a matching checksum is still a minted token.
    validate: (secret) => ({ valid: hasGrafanaChecksum(secret), confidence: 'high' }),
  }),
  {
    // Grafana's API keys before service accounts: base64 of {"k":"<key>","n":"<name>","id":<org>}.
    id: 'grafana-api-key',
    description: 'Grafana API key (legacy, base64 JSON)',
    provider: 'grafana',
    keywords: ['eyjrijoi'],
    anchor: 'keyword',
    pattern: new RegExp(`${LEFT}(eyJrIjoi[A-Za-z0-9+/]{40,200}={0,2})(?![A-Za-z0-9+/=_.-])`, 'g'),
    severity: 'high',
    confidence: 'high',
    validate: (secret) => {
      const body = jsonObject(secret);
      return { valid: body !== undefined && realKey(body.k) && typeof body.n === 'string' && typeof body.id === 'number' };
    },
  },
  {
    id: 'sentry-dsn',
    description: 'Sentry DSN with its public key (lets anyone send events to the project)',
    provider: 'sentry',
    keywords: ['sentry.io', 'ingest.'],
    pattern: /(https:\/\/[0-9a-f]{32}(?::[0-9a-f]{32})?@[a-z0-9.-]*(?:sentry\.io|ingest\.[a-z0-9.-]+)\/\d+)/g,
    severity: 'low',
    confidence: 'high',
    window: { before: 120, after: 120 },
    validate: (secret) => ({ valid: true, ...(/:[0-9a-f]{32}@/.test(secret) ? { severity: 'high' as const } : {}) }),
  },
  prefixedToken({
    id: 'sentry-auth-token',
    description: 'Sentry organisation or user auth token',
    provider: 'sentry',
    prefix: 'sntry',
    body: '[su]_[A-Za-z0-9+/=_]{60,}',
    severity: 'high',
    keywords: ['sntrys_', 'sntryu_'],
    validate: validateSentryToken,
  }),
  {
    id: 'datadog-api-key',
    description: 'Datadog API or application key assigned to a Datadog variable',
    provider: 'datadog',
    keywords: ['datadog', 'dd_api_key', 'dd_app_key', 'dd-api-key', 'dd-application-key'],
    pattern:
      /(?:datadog|dd)[\w.-]{0,20}?(?:api|app|application)[\w.-]{0,4}key["']?\s*(?::|=>|=)\s*["']?([a-f0-9]{32}|[a-f0-9]{40})(?![A-Za-z0-9])/gi,
    severity: 'high',
    minEntropy: 3.2,
  },
  prefixedToken({
    id: 'newrelic-user-api-key',
    description: 'New Relic user API key',
    provider: 'newrelic',
    prefix: 'NRAK-',
    body: '[A-Z0-9]{27}',
    severity: 'high',
  }),
  prefixedToken({
    id: 'newrelic-insert-key',
    description: 'New Relic insights insert key',
    provider: 'newrelic',
    prefix: 'NRII-',
    body: '[A-Za-z0-9_-]{32}',
    severity: 'medium',
    right: DASHED_RIGHT,
  }),
  {
    id: 'newrelic-license-key',
    description: 'New Relic ingest license key',
    provider: 'newrelic',
    keywords: ['nral'],
    keywordAt: 36,
    pattern: /(?<![A-Za-z0-9])([a-f0-9]{36}NRAL)(?![A-Za-z0-9])/g,
    severity: 'medium',
    confidence: 'high',
    window: { before: 40, after: 8 },
  },
];
