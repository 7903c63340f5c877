import { crc32 } from '@tokenwarden/core/formats';
import type { Rule, Severity, Validation } from '../types.js';
import { prefixedToken } from './define.js';

// A routable token (GitLab 17.x+): prefix, base64url payload, `.`, the version (`01`), `.`, the
// payload's length in base36 (2 characters) and the CRC32 of everything before it in base36
// (7 characters): lib/authn/token_field/generator/routable_token.rb.
const ROUTABLE = /^([^.]+)\.([0-9a-z]{2})\.([0-9a-z]{2})([0-9a-z]{7})$/;

/**
 * A GitLab token's checksum verdict: a routable token whose length field or CRC32 does not
 * match is not one GitLab issued; a legacy token (20 random characters) has no checksum.
 *
 * @example
 * ```ts
 * gitlabChecksum('glpat-', 'glpat-' + 'x'.repeat(20)).valid; // true (legacy: nothing to check)
 * ```
 */
export function gitlabChecksum(prefix: string, token: string): Validation {
  const m = ROUTABLE.exec(token);
  if (!m) return { valid: true };
  const [, head, version, length, crc] = m as unknown as [string, string, string, string, string];
  const payload = head.slice(prefix.length);
  if (Number.parseInt(length, 36) !== payload.length) return { valid: false };
  const expected = crc32(`${head}.${version}.${length}`).toString(36).padStart(7, '0');
  return expected === crc ? { valid: true, details: { routable: true } } : { valid: false };
}

// GitLab tokens: a prefix then 20 characters (legacy) or a longer routable body with a
// ".<version>.<length><crc>" suffix, whose checksum is checked; entropy guards against filler.
const gitlab = (id: string, prefix: string, description: string, severity: Severity = 'high'): Rule =>
  prefixedToken({
    id,
    description,
    provider: 'gitlab',
    prefix,
    body: '[0-9A-Za-z_-]{20,}(?:\\.[0-9a-z]{2}\\.[0-9a-z]{9})?',
    severity,
    minEntropy: 3.2,
    checksummed: true,
    validate: (secret) => gitlabChecksum(prefix, secret),
  });

/**
 * GitLab token formats.
 *
 * @example
 * ```ts
 * gitlabRules.length; // 12
 * ```
 */
export const gitlabRules: Rule[] = [
  gitlab('gitlab-pat', 'glpat-', 'GitLab personal access token', 'critical'),
  gitlab('gitlab-deploy-token', 'gldt-', 'GitLab deploy token'),
  gitlab('gitlab-runner-token', 'glrt-', 'GitLab runner authentication token'),
  gitlab('gitlab-pipeline-trigger-token', 'glptt-', 'GitLab pipeline trigger token'),
  gitlab('gitlab-oauth-app-secret', 'gloas-', 'GitLab OAuth application secret'),
  gitlab('gitlab-feed-token', 'glft-', 'GitLab feed token', 'medium'),
  gitlab('gitlab-incoming-mail-token', 'glimt-', 'GitLab incoming mail token', 'medium'),
  gitlab('gitlab-agent-token', 'glagent-', 'GitLab agent for Kubernetes token'),
  gitlab('gitlab-scim-token', 'glsoat-', 'GitLab SCIM OAuth token'),
  // CI/CD job tokens (GitLab 16.8+): the prefix, the job's partition id in hex, `_`, 20 characters.
  // A job token lives as long as its job, but a job log or artifact keeps it.
  prefixedToken({
    id: 'gitlab-ci-job-token',
    description: 'GitLab CI/CD job token',
    provider: 'gitlab',
    prefix: 'glcbt-',
    body: '[0-9a-fA-F]{1,5}_[0-9A-Za-z_-]{20}',
    severity: 'medium',
    minEntropy: 3.2,
  }),
  gitlab('gitlab-feature-flags-client-token', 'glffct-', 'GitLab feature flags client token', 'medium'),
  prefixedToken({
    id: 'gitlab-runner-registration-token',
    description: 'GitLab runner registration token',
    provider: 'gitlab',
    prefix: 'GR1348941',
    body: '[0-9A-Za-z_-]{20}',
    severity: 'high',
    minEntropy: 3.2,
  }),
];
