import { parseTwToken } from '@tokenwarden/core/formats';
import type { Rule } from '../types.js';

/**
 * TokenWarden's own `tw_` secrets. The CRC32 checksum is validated offline by `parseTwToken`,
 * so a report here is never a false positive; kind and type letter are attached for triage.
 *
 * @example
 * ```ts
 * tokenwardenRules[0].id; // "tokenwarden-token"
 * ```
 */
export const tokenwardenRules: Rule[] = [
  {
    id: 'tokenwarden-token',
    description: 'TokenWarden secret (tw_ format, checksum valid)',
    provider: 'tokenwarden',
    keywords: ['tw_'],
    pattern: /(?<![A-Za-z0-9_])(tw_[ksrc]_[0-9A-Za-z]{38})(?![A-Za-z0-9_])/g,
    severity: 'critical',
    confidence: 'high',
    anchor: 'keyword',
    skipPlaceholderCheck: true,
    checksummed: true,
    validate: (secret) => {
      const parsed = parseTwToken(secret);
      return parsed ? { valid: true, details: { kind: parsed.kind } } : false;
    },
  },
];
