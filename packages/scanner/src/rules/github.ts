import type { Rule } from '../types.js';
import { hasBase62Crc32, prefixedToken } from './define.js';

// Classic GitHub tokens: prefix + 30 random base62 + 6 base62 CRC32 of the random part.
const classic = (id: string, prefix: string, description: string): Rule =>
  prefixedToken({
    id,
    description,
    provider: 'github',
    prefix,
    body: '[0-9A-Za-z]{36}',
    severity: 'critical',
    checksummed: true,
    validate: (secret) => hasBase62Crc32(secret.slice(4)),
  });

/**
 * GitHub token formats (classic with their CRC32 checksum, and fine-grained PATs).
 *
 * @example
 * ```ts
 * githubRules.map((r) => r.id);
 * ```
 */
export const githubRules: Rule[] = [
  classic('github-pat', 'ghp_', 'GitHub personal access token (classic)'),
  classic('github-oauth-token', 'gho_', 'GitHub OAuth access token'),
  classic('github-user-to-server-token', 'ghu_', 'GitHub App user-to-server token'),
  classic('github-server-to-server-token', 'ghs_', 'GitHub App installation token'),
  classic('github-refresh-token', 'ghr_', 'GitHub App refresh token'),
  prefixedToken({
    id: 'github-fine-grained-pat',
    description: 'GitHub fine-grained personal access token',
    provider: 'github',
    prefix: 'github_pat_',
    body: '[0-9A-Za-z]{22}_[0-9A-Za-z]{59}',
    severity: 'critical',
    minEntropy: 4,
  }),
];
