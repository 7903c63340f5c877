import { shannonEntropy } from '../text/entropy.js';
import { isPlaceholder } from '../text/placeholders.js';
import type { Rule } from '../types.js';
import { DASHED_RIGHT, prefixedToken } from './define.js';

/**
 * Business SaaS APIs: HubSpot, Airtable, ClickUp, Segment, Sourcegraph, PostHog, Contentful, Mapbox, Dropbox,
 * Typeform, Frame.io, Brevo (Sendinblue), X (Twitter), Cloudinary.
 *
 * @example
 * ```ts
 * saasRules.find((r) => r.id === 'hubspot-private-app-token');
 * ```
 */
export const saasRules: Rule[] = [
  prefixedToken({
    id: 'hubspot-private-app-token',
    description: 'HubSpot private app access token',
    provider: 'hubspot',
    prefix: 'pat-',
    body: '(?:na|eu|ap)[0-9]-[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}',
    keywords: ['pat-na1-', 'pat-na2-', 'pat-eu1-', 'pat-ap1-'],
    severity: 'high',
    right: DASHED_RIGHT,
  }),
  prefixedToken({
    // pat + a 14-character token id, a dot, and a 64-hex secret; the id alone is not secret.
    id: 'airtable-pat',
    description: 'Airtable personal access token',
    provider: 'airtable',
    prefix: 'pat',
    body: '[A-Za-z0-9]{14}\\.[0-9a-f]{64}',
    severity: 'high',
    minEntropy: 3.5,
  }),
  prefixedToken({
    id: 'clickup-api-token',
    description: 'ClickUp personal API token',
    provider: 'clickup',
    prefix: 'pk_',
    body: '[0-9]{6,10}_[A-Z0-9]{32}',
    severity: 'high',
    minEntropy: 3.5,
  }),
  prefixedToken({
    id: 'segment-public-api-token',
    description: 'Segment Public API token',
    provider: 'segment',
    prefix: 'sgp_',
    body: '[A-Za-z0-9]{64}',
    severity: 'high',
    minEntropy: 4,
  }),
  prefixedToken({
    id: 'sourcegraph-access-token',
    description: 'Sourcegraph access token',
    provider: 'sourcegraph',
    prefix: 'sgp_',
    body: '(?:[a-f0-9]{16}_|local_)?[a-f0-9]{40}',
    severity: 'high',
    minEntropy: 3.2,
  }),
  prefixedToken({
    id: 'posthog-personal-api-key',
    description: 'PostHog personal API key',
    provider: 'posthog',
    prefix: 'phx_',
    body: '[A-Za-z0-9]{43}',
    severity: 'high',
    minEntropy: 4,
  }),
  prefixedToken({
    id: 'contentful-pat',
    description: 'Contentful personal access token',
    provider: 'contentful',
    prefix: 'CFPAT-',
    body: '[A-Za-z0-9_-]{43}',
    severity: 'high',
    minEntropy: 4,
    right: DASHED_RIGHT,
  }),
  prefixedToken({
    id: 'mapbox-secret-token',
    description: 'Mapbox secret access token',
    provider: 'mapbox',
    prefix: 'sk.eyJ',
    body: '[A-Za-z0-9_-]{20,200}\\.[A-Za-z0-9_-]{20,100}',
    keywords: ['sk.eyj'],
    severity: 'high',
    minEntropy: 4,
    right: DASHED_RIGHT,
  }),
  prefixedToken({
    id: 'dropbox-access-token',
    description: 'Dropbox short-lived access token',
    provider: 'dropbox',
    prefix: 'sl.',
    body: '[A-Za-z0-9_.-]{130,1400}',
    severity: 'medium',
    minEntropy: 4.5,
    right: '(?![A-Za-z0-9_.-])',
  }),
  prefixedToken({
    id: 'typeform-pat',
    description: 'Typeform personal access token',
    provider: 'typeform',
    prefix: 'tfp_',
    body: '[A-Za-z0-9_.=-]{40,80}',
    severity: 'high',
    minEntropy: 4,
    right: '(?![A-Za-z0-9_.=-])',
  }),
  prefixedToken({
    id: 'frameio-api-token',
    description: 'Frame.io API token',
    provider: 'frameio',
    prefix: 'fio-u-',
    body: '[A-Za-z0-9_=-]{64}',
    severity: 'high',
    minEntropy: 4,
    right: '(?![A-Za-z0-9_=-])',
  }),
  prefixedToken({
    id: 'brevo-api-key',
    description: 'Brevo (Sendinblue) API or SMTP key',
    provider: 'brevo',
    prefix: 'x',
    body: '(?:keysib|smtpsib)-[a-f0-9]{64}-[A-Za-z0-9]{16}',
    keywords: ['xkeysib-', 'xsmtpsib-'],
    severity: 'high',
    minEntropy: 3.5,
  }),
  {
    // X (Twitter) app-only bearer tokens: a run of `A`s (zero bytes in base64), then the rest
    // URL-encoded (`%2B`, `%3D`). The run is the token's own, so the placeholder filter, which
    // takes runs of one character for filler, judges only what follows it.
    id: 'twitter-bearer-token',
    anchor: 'keyword',
    description: 'X (Twitter) API bearer token',
    provider: 'twitter',
    keywords: ['AAAAAAAAAAAAAAAAAAAA'],
    keywordsCaseSensitive: true,
    pattern: /(?<![A-Za-z0-9%+/])(A{20,24}[A-Za-z0-9%]{60,140})(?![A-Za-z0-9%+/=])/g,
    severity: 'high',
    confidence: 'high',
    skipPlaceholderCheck: true,
    validate: (secret) => {
      const rest = secret.replace(/^A+/, '');
      return { valid: /%[0-9A-F]{2}/.test(rest) && shannonEntropy(rest) >= 4 && !isPlaceholder(rest) };
    },
  },
  {
    id: 'cloudinary-url',
    anchor: 'keyword',
    description: 'Cloudinary API secret in a CLOUDINARY_URL',
    provider: 'cloudinary',
    keywords: ['cloudinary://'],
    pattern: /cloudinary:\/\/\d{6,20}:([A-Za-z0-9_-]{20,40})@[A-Za-z0-9_-]+/g,
    severity: 'high',
    confidence: 'high',
    minEntropy: 3.5,
  },
];
