import type { Rule, RuleContext } from '../types.js';
import { DASHED_RIGHT, LEFT, prefixedToken } from './define.js';

// A real key mixes upper case, lower case and digits; a made-up one often does not.
const MIXED = (s: string): boolean => /[a-z]/.test(s) && /[A-Z]/.test(s) && /[0-9]/.test(s);

const TENCENT_SECRET_ID = /AKID[A-Za-z0-9]{32}/;

// Within 2,000 characters of a Tencent SecretId: the SecretKey of the same pair.
function nearTencentSecretId(ctx: RuleContext): boolean {
  const from = Math.max(0, ctx.index - 2000);
  return TENCENT_SECRET_ID.test(ctx.text.slice(from, ctx.index + ctx.match.length + 2000));
}

/**
 * Clouds of China and Russia: Tencent Cloud API keys (SecretId `AKID` + 32, and its 32-character
 * SecretKey next to it) and Yandex Cloud API keys (`AQVN`) and IAM tokens (`t1.`).
 *
 * @example
 * ```ts
 * regionalCloudRules.map((r) => r.id); // ['tencent-secret-id', 'tencent-secret-key', ...]
 * ```
 */
export const regionalCloudRules: Rule[] = [
  prefixedToken({
    id: 'tencent-secret-id',
    description: 'Tencent Cloud API SecretId (its SecretKey is usually next to it)',
    provider: 'tencent',
    prefix: 'AKID',
    body: '[A-Za-z0-9]{32}',
    severity: 'high',
    minEntropy: 3.8,
    validate: (secret) => MIXED(secret.slice(4)),
  }),
  {
    id: 'tencent-secret-key',
    description: 'Tencent Cloud API SecretKey next to its SecretId',
    provider: 'tencent',
    keywords: ['secretkey', 'secret_key', 'secret-key'],
    pattern: /secret[_-]?key["']?\s*(?::|=>|=|,)\s*["']?([A-Za-z0-9]{32})(?![A-Za-z0-9/+=])/gi,
    severity: 'critical',
    confidence: 'high',
    minEntropy: 3.8,
    window: { before: 48, after: 48 },
    validate: (secret, ctx) => MIXED(secret) && nearTencentSecretId(ctx),
  },
  prefixedToken({
    id: 'yandex-api-key',
    description: 'Yandex Cloud API key',
    provider: 'yandex',
    prefix: 'AQVN',
    body: '[A-Za-z0-9_-]{35,38}',
    severity: 'high',
    minEntropy: 4,
    right: DASHED_RIGHT,
  }),
  {
    id: 'yandex-iam-token',
    anchor: 'keyword',
    description: 'Yandex Cloud IAM token',
    provider: 'yandex',
    keywords: ['t1.'],
    keywordsCaseSensitive: true,
    pattern: new RegExp(`${LEFT}(t1\\.[A-Za-z0-9_-]{20,}={0,2}\\.[A-Za-z0-9_-]{86}={0,2})(?![A-Za-z0-9_=-])`, 'g'),
    severity: 'high',
    confidence: 'high',
    minEntropy: 4,
  },
];
