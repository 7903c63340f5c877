import type { Rule, RuleContext, Validation } from '../types.js';

const BASE32 = 'ABCDEFGHIJKLMNOPQRSTUVWXYZ234567';

/**
 * Decodes the AWS account id embedded in an access key id (the base32 payload after the
 * 4-letter prefix carries the account number in bits 7..46 of its first 6 bytes).
 *
 * @example
 * ```ts
 * // AWS's published example key id (tokenwarden:allow)
 * awsAccountFromKeyId('ASIAY34FZKBOKMUTVV7A'); // "609629065308"
 * ```
 */
export function awsAccountFromKeyId(keyId: string): string | undefined {
  const payload = keyId.slice(4);
  if (!/^[A-Z2-7]{16}$/.test(payload)) return undefined;
  let bits = 0n;
  for (const ch of payload.slice(0, 10)) bits = (bits << 5n) | BigInt(BASE32.indexOf(ch));
  // 10 base32 characters are 50 bits; the first 6 bytes are the top 48 of them.
  const first6 = bits >> 2n;
  return String((first6 & 0x7fffffffff80n) >> 7n).padStart(12, '0');
}

const KEY_ID = /(?:AKIA|ASIA)[A-Z2-7]{16}/;

function nearKeyId(ctx: RuleContext): boolean {
  const from = Math.max(0, ctx.index - 2000);
  return KEY_ID.test(ctx.text.slice(from, ctx.index + ctx.match.length + 2000));
}

function secretKeyValidation(secret: string, ctx: RuleContext): Validation {
  // A real secret access key mixes cases and digits; identifiers and paths do not.
  if (!/[a-z]/.test(secret) || !/[A-Z]/.test(secret) || !/[0-9]/.test(secret)) return { valid: false };
  const paired = nearKeyId(ctx);
  // `secret_key` alone names many services' secrets: AWS's only next to an AWS key id.
  if (!paired && !/aws|access|(?:AKIA|ASIA)[A-Z2-7]{16}/i.test(ctx.match)) return { valid: false };
  return paired
    ? { valid: true, confidence: 'high', details: { paired_with_key_id: true } }
    : { valid: true, confidence: 'medium', details: { paired_with_key_id: false } };
}

/**
 * AWS access key ids (long-term `AKIA`, temporary `ASIA`) and secret access keys, confirmed by a
 * nearby key id.
 *
 * @example
 * ```ts
 * awsRules.map((r) => r.id); // ["aws-access-key-id", ...]
 * ```
 */
export const awsRules: Rule[] = [
  {
    id: 'aws-access-key-id',
    anchor: 'keyword',
    description: 'AWS access key id (long-term)',
    provider: 'aws',
    keywords: ['akia'],
    pattern: /(?<![A-Za-z0-9])(AKIA[A-Z2-7]{16})(?![A-Za-z0-9])/g,
    severity: 'high',
    confidence: 'high',
    validate: (secret) => {
      const account = awsAccountFromKeyId(secret);
      return account ? { valid: true, details: { aws_account: account } } : false;
    },
  },
  {
    id: 'aws-temporary-access-key-id',
    anchor: 'keyword',
    description: 'AWS temporary access key id (STS)',
    provider: 'aws',
    keywords: ['asia'],
    pattern: /(?<![A-Za-z0-9])(ASIA[A-Z2-7]{16})(?![A-Za-z0-9])/g,
    severity: 'medium',
    confidence: 'high',
    validate: (secret) => {
      const account = awsAccountFromKeyId(secret);
      return account ? { valid: true, details: { aws_account: account } } : false;
    },
  },
  {
    id: 'aws-secret-access-key',
    description: 'AWS secret access key',
    provider: 'aws',
    // Also the short names of Terraform (`secret_key = "..."`), Spring (`secret-key=`) and SDK
    // configs (`secretKey:`), which many other services use too: there only a key id nearby makes
    // the value AWS's (else the generic rules judge it).
    keywords: [
      'secret_access_key',
      'secretaccesskey',
      'aws_secret',
      'secret-access-key',
      'secret access key',
      'secret_key',
      'secret-key',
      'secretkey',
    ],
    pattern: /(?:aws)?[_\-. ]?secret[_\-. ]?(?:access)?[_\-. ]?key["']?\s*(?::|=>|=|,)\s*["']?([A-Za-z0-9/+]{40})(?![A-Za-z0-9/+=])/gi,
    severity: 'critical',
    minEntropy: 4,
    validate: secretKeyValidation,
  },
  {
    id: 'aws-secret-access-key-pair',
    anchor: 'keyword',
    description: 'AWS secret access key next to its key id',
    provider: 'aws',
    keywords: ['akia', 'asia'],
    pattern: /(?:AKIA|ASIA)[A-Z2-7]{16}["']?[\s,;:|]{1,6}["']?([A-Za-z0-9/+]{40})(?![A-Za-z0-9/+=])/g,
    severity: 'critical',
    confidence: 'high',
    minEntropy: 4,
    validate: secretKeyValidation,
  },
];
