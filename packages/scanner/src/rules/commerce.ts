import type { Rule } from '../types.js';
import { prefixedToken } from './define.js';

/**
 * Commerce and payments: Shopify, Square, PayPal/Braintree.
 *
 * @example
 * ```ts
 * commerceRules.filter((r) => r.provider === 'shopify').length; // 4
 * ```
 */
export const commerceRules: Rule[] = [
  prefixedToken({
    id: 'shopify-access-token',
    description: 'Shopify Admin API access token',
    provider: 'shopify',
    prefix: 'shpat_',
    body: '[a-fA-F0-9]{32}',
    severity: 'high',
    minEntropy: 3.2,
  }),
  prefixedToken({
    id: 'shopify-custom-app-token',
    description: 'Shopify custom app access token',
    provider: 'shopify',
    prefix: 'shpca_',
    body: '[a-fA-F0-9]{32}',
    severity: 'high',
    minEntropy: 3.2,
  }),
  prefixedToken({
    id: 'shopify-private-app-token',
    description: 'Shopify private app password',
    provider: 'shopify',
    prefix: 'shppa_',
    body: '[a-fA-F0-9]{32}',
    severity: 'high',
    minEntropy: 3.2,
  }),
  prefixedToken({
    id: 'shopify-shared-secret',
    description: 'Shopify app shared secret',
    provider: 'shopify',
    prefix: 'shpss_',
    body: '[a-fA-F0-9]{32}',
    severity: 'high',
    minEntropy: 3.2,
  }),
  prefixedToken({
    id: 'square-access-token',
    description: 'Square access token',
    provider: 'square',
    prefix: 'EAAA',
    body: '[A-Za-z0-9_-]{60}',
    severity: 'high',
    minEntropy: 4,
    right: '(?![A-Za-z0-9_-])',
    keywords: ['EAAA'],
  }),
  prefixedToken({
    id: 'square-oauth-secret',
    description: 'Square OAuth application secret',
    provider: 'square',
    prefix: 'sq0csp-',
    body: '[A-Za-z0-9_-]{43}',
    severity: 'high',
    minEntropy: 3.8,
    right: '(?![A-Za-z0-9_-])',
  }),
  prefixedToken({
    id: 'square-legacy-access-token',
    description: 'Square legacy personal access token',
    provider: 'square',
    prefix: 'sq0atp-',
    body: '[A-Za-z0-9_-]{22}',
    severity: 'high',
    minEntropy: 3.5,
    right: '(?![A-Za-z0-9_-])',
  }),
  {
    id: 'braintree-access-token',
    anchor: 'keyword',
    description: 'PayPal Braintree access token',
    provider: 'paypal',
    keywords: ['access_token$'],
    pattern: /(access_token\$(?:production|sandbox)\$[0-9a-z]{16}\$[0-9a-f]{32})(?![0-9a-f])/g,
    severity: 'critical',
    confidence: 'high',
    validate: (secret) => ({ valid: true, ...(secret.includes('$sandbox$') ? { severity: 'low' as const } : {}) }),
  },
];
