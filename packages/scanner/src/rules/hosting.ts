import type { Rule } from '../types.js';
import { DASHED_RIGHT, prefixedToken } from './define.js';

/**
 * Hosting, networking and operations platforms: PlanetScale, Neon, Render, Tailscale, Dynatrace,
 * Scalingo, Infracost, 1Password service accounts.
 *
 * @example
 * ```ts
 * hostingRules.find((r) => r.id === 'tailscale-key');
 * ```
 */
export const hostingRules: Rule[] = [
  prefixedToken({
    id: 'planetscale-token',
    description: 'PlanetScale service token, database password or OAuth token',
    provider: 'planetscale',
    prefix: 'pscale_',
    body: '(?:tkn|pw|oauth)_[A-Za-z0-9_.-]{32,64}',
    keywords: ['pscale_tkn_', 'pscale_pw_', 'pscale_oauth_'],
    severity: 'critical',
    minEntropy: 4,
    right: '(?![A-Za-z0-9_.-])',
  }),
  prefixedToken({
    id: 'neon-api-key',
    description: 'Neon API key',
    provider: 'neon',
    prefix: 'napi_',
    body: '[a-z0-9]{64}',
    severity: 'high',
    minEntropy: 3.8,
  }),
  prefixedToken({
    id: 'render-api-key',
    description: 'Render API key',
    provider: 'render',
    prefix: 'rnd_',
    body: '[A-Za-z0-9]{32}',
    severity: 'high',
    minEntropy: 4,
  }),
  prefixedToken({
    id: 'tailscale-key',
    description: 'Tailscale API access token, auth key, OAuth client secret or webhook secret',
    provider: 'tailscale',
    prefix: 'tskey-',
    body: '(?:api|auth|client|webhook|scim)-[A-Za-z0-9]{6,24}-[A-Za-z0-9]{20,64}',
    severity: 'critical',
    minEntropy: 3.8,
    right: DASHED_RIGHT,
  }),
  prefixedToken({
    id: 'dynatrace-api-token',
    description: 'Dynatrace API token',
    provider: 'dynatrace',
    prefix: 'dt0c01.',
    body: '[A-Z0-9]{24}\\.[A-Z0-9]{64}',
    severity: 'high',
    minEntropy: 4,
  }),
  prefixedToken({
    id: 'scalingo-api-token',
    description: 'Scalingo API token',
    provider: 'scalingo',
    prefix: 'tk-us-',
    body: '[A-Za-z0-9_-]{48}',
    severity: 'high',
    minEntropy: 4,
    right: DASHED_RIGHT,
  }),
  prefixedToken({
    id: 'infracost-api-key',
    description: 'Infracost API key',
    provider: 'infracost',
    prefix: 'ico-',
    body: '[A-Za-z0-9]{32}',
    severity: 'medium',
    minEntropy: 4,
    right: DASHED_RIGHT,
  }),
  prefixedToken({
    id: 'onepassword-service-account-token',
    description: '1Password service account token (reads the vaults it was granted)',
    provider: '1password',
    prefix: 'ops_eyJ',
    body: '[A-Za-z0-9+/_-]{250,2000}={0,2}',
    keywords: ['ops_eyj'],
    severity: 'critical',
    minEntropy: 4,
    right: '(?![A-Za-z0-9+/=_-])',
  }),
];
