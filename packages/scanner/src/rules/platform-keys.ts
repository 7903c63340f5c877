import type { Rule } from '../types.js';
import { DASHED_RIGHT, LEFT, prefixedToken } from './define.js';

const UUID = '[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}';
const HAS_DIGIT_AND_LETTER = (s: string): boolean => /[0-9]/.test(s) && /[A-Za-z]/.test(s);

/**
 * Keys of build, deploy, data and identity platforms with a format of their own: Harness,
 * OpenShift, Octopus Deploy, NuGet, Defined Networking, Adobe, MaxMind, ClickHouse
 * Cloud, SettleMint, the 1Password account Secret Key, Adafruit IO, 42 (intra), Sidekiq
 * Enterprise, Snyk and LaunchDarkly (UUID keys, known by their names or prefixes).
 *
 * @example
 * ```ts
 * platformKeyRules.find((r) => r.id === 'openshift-user-token');
 * ```
 */
export const platformKeyRules: Rule[] = [
  {
    id: 'harness-api-token',
    anchor: 'keyword',
    description: 'Harness personal access or service account token',
    provider: 'harness',
    keywords: ['pat.', 'sat.'],
    keywordsCaseSensitive: true,
    pattern: new RegExp(`${LEFT}((?:pat|sat)\\.[A-Za-z0-9_-]{22}\\.[A-Za-z0-9]{24}\\.[A-Za-z0-9]{20})(?![A-Za-z0-9_.-])`, 'g'),
    severity: 'high',
    confidence: 'high',
    minEntropy: 4,
  },
  prefixedToken({
    id: 'openshift-user-token',
    description: 'OpenShift OAuth access token (sha256~)',
    provider: 'openshift',
    prefix: 'sha256~',
    body: '[A-Za-z0-9_-]{43}',
    severity: 'high',
    minEntropy: 4,
    right: DASHED_RIGHT,
  }),
  prefixedToken({
    id: 'octopus-deploy-api-key',
    description: 'Octopus Deploy API key',
    provider: 'octopus',
    prefix: 'API-',
    body: '[A-Z0-9]{26}',
    keywords: ['API-'],
    severity: 'high',
    minEntropy: 3.5,
    validate: (secret) => HAS_DIGIT_AND_LETTER(secret.slice(4)),
  }),
  prefixedToken({
    id: 'nuget-api-key',
    description: 'NuGet.org API key',
    provider: 'nuget',
    prefix: 'oy2',
    body: '[a-z0-9]{43}',
    severity: 'high',
    minEntropy: 3.8,
    validate: (secret) => HAS_DIGIT_AND_LETTER(secret.slice(3)),
  }),
  prefixedToken({
    id: 'defined-networking-api-key',
    description: 'Defined Networking (managed Nebula) API key',
    provider: 'definednetworking',
    prefix: 'dnkey-',
    body: '[a-z0-9=_-]{26}-[a-z0-9=_-]{52}',
    severity: 'high',
    minEntropy: 4,
    right: '(?![A-Za-z0-9=_-])',
  }),
  prefixedToken({
    id: 'adobe-client-secret',
    description: 'Adobe Developer Console client secret',
    provider: 'adobe',
    prefix: 'p8e-',
    body: '[A-Za-z0-9]{32}',
    severity: 'high',
    minEntropy: 3.8,
    right: DASHED_RIGHT,
  }),
  {
    id: 'maxmind-license-key',
    description: 'MaxMind license key',
    provider: 'maxmind',
    keywords: ['_mmk'],
    keywordAt: 36,
    pattern: /(?<![A-Za-z0-9_])([A-Za-z0-9]{6}_[A-Za-z0-9]{29}_mmk)(?![A-Za-z0-9_])/g,
    severity: 'medium',
    confidence: 'high',
    minEntropy: 3.8,
    window: { before: 40, after: 8 },
  },
  prefixedToken({
    id: 'clickhouse-cloud-secret',
    description: 'ClickHouse Cloud API secret key',
    provider: 'clickhouse',
    prefix: '4b1d',
    body: '[A-Za-z0-9]{38}',
    severity: 'high',
    minEntropy: 4,
    // Base62, so upper and lower case letters: a hex digest that starts with 4b1d has neither mix.
    validate: (secret) => /[a-z]/.test(secret) && /[A-Z]/.test(secret),
  }),
  prefixedToken({
    id: 'settlemint-token',
    description: 'SettleMint personal, application or service access token',
    provider: 'settlemint',
    prefix: 'sm_',
    body: '(?:pat|aat|sat)_[A-Za-z0-9]{16}',
    keywords: ['sm_pat_', 'sm_aat_', 'sm_sat_'],
    severity: 'high',
    minEntropy: 3.3,
  }),
  {
    // With the account password, the Secret Key opens a 1Password account from any device.
    id: 'onepassword-secret-key',
    anchor: 'keyword',
    description: '1Password account Secret Key',
    provider: '1password',
    keywords: ['A3-'],
    keywordsCaseSensitive: true,
    pattern:
      /(?<![A-Za-z0-9-])(A3-[A-Z0-9]{6}-(?:[A-Z0-9]{11}|[A-Z0-9]{6}-[A-Z0-9]{5})-[A-Z0-9]{5}-[A-Z0-9]{5}-[A-Z0-9]{5})(?![A-Za-z0-9-])/g,
    severity: 'critical',
    confidence: 'high',
    minEntropy: 3.5,
    validate: (secret) => HAS_DIGIT_AND_LETTER(secret.slice(3)),
  },
  prefixedToken({
    id: 'adafruit-io-key',
    description: 'Adafruit IO key',
    provider: 'adafruit',
    prefix: 'aio_',
    body: '[A-Za-z0-9]{28}',
    severity: 'medium',
    minEntropy: 3.8,
    validate: (secret) => HAS_DIGIT_AND_LETTER(secret.slice(4)),
  }),
  prefixedToken({
    id: 'intra42-client-secret',
    description: '42 intra API client secret',
    provider: '42',
    prefix: 's-s4t2',
    body: '(?:ud|af)-[a-f0-9]{64}',
    severity: 'medium',
    minEntropy: 3.3,
    right: DASHED_RIGHT,
  }),
  {
    id: 'sidekiq-enterprise-credentials',
    description: 'Sidekiq Pro / Enterprise gem server credentials',
    provider: 'sidekiq',
    keywords: ['contribsys'],
    pattern:
      /(?:https?:\/\/([a-f0-9]{8}:[a-f0-9]{8})@(?:gems|enterprise)\.contribsys\.com|BUNDLE_(?:ENTERPRISE|GEMS)__CONTRIBSYS__COM["']?\s*[:=]\s*["']?([a-f0-9]{8}:[a-f0-9]{8}))(?![A-Za-z0-9])/gi,
    severity: 'high',
    confidence: 'high',
    minEntropy: 2.8,
    window: { before: 40, after: 40 },
  },
  {
    // Snyk API tokens are UUIDs, which the generic rules take for identifiers: the name or the
    // `snyk auth` command says this one is a credential.
    id: 'snyk-api-token',
    description: 'Snyk API token',
    provider: 'snyk',
    keywords: ['snyk'],
    pattern: new RegExp(
      `(?:snyk[\\w.-]{0,20}?(?:token|key)["']?\\s*(?::|=>|=|,)\\s*["']?|snyk[ \\t]+(?:auth|config[ \\t]+set[ \\t]+api=)[ \\t]*)(${UUID})(?![0-9a-f-])`,
      'gi',
    ),
    severity: 'high',
    confidence: 'medium',
    minEntropy: 3,
    window: { before: 0, after: 80 },
  },
  {
    // LaunchDarkly server-side SDK keys (`sdk-<uuid>`) are secret by their prefix; REST API
    // access tokens (`api-<uuid>`) only under a LaunchDarkly name, as `api-<uuid>` also names
    // other things.
    id: 'launchdarkly-key',
    anchor: 'keyword',
    description: 'LaunchDarkly server-side SDK key or API access token',
    provider: 'launchdarkly',
    keywords: ['sdk-', 'api-'],
    pattern: new RegExp(`${LEFT}((?:sdk|api)-${UUID})(?![0-9a-f-])`, 'g'),
    severity: 'high',
    confidence: 'medium',
    minEntropy: 3,
    validate: (secret, ctx) => {
      if (secret.startsWith('sdk-')) return true;
      const line = ctx.text.slice(Math.max(0, ctx.index - 200), ctx.index);
      return /launch[_-]?darkly|\bLD_[A-Z_]*(?:TOKEN|KEY)\b/i.test(line.slice(line.lastIndexOf('\n') + 1));
    },
  },
];
