import type { Rule } from '../types.js';
import { decodeBase64Url, isDocumentationHost } from './define.js';

/**
 * Credentials in well-known tool files: Docker config `auths`, `.npmrc` `_authToken`/`_auth`,
 * `.netrc` passwords, `.git-credentials` URLs, `.pypirc` passwords, kubeconfig tokens, and
 * passwords embedded in any HTTP(S) URL, Laravel's APP_KEY in `.env`.
 *
 * @example
 * ```ts
 * credentialFileRules.map((r) => r.id);
 * ```
 */
export const credentialFileRules: Rule[] = [
  {
    id: 'docker-config-auth',
    anchor: 'keyword',
    description: 'Docker registry credentials (auths in config.json)',
    provider: 'docker',
    keywords: ['"auth"'],
    pattern: /"auth"\s*:\s*"([A-Za-z0-9+/]{8,}={0,2})"/g,
    severity: 'high',
    confidence: 'high',
    validate: (secret) => {
      const decoded = decodeBase64Url(secret) ?? '';
      const sep = decoded.indexOf(':');
      if (sep <= 0 || sep === decoded.length - 1 || /[^\x20-\x7e]/.test(decoded)) return false;
      return { valid: true, details: { username: decoded.slice(0, sep).slice(0, 100) } };
    },
  },
  {
    id: 'npmrc-auth-token',
    anchor: 'keyword',
    description: 'npm registry auth token in .npmrc',
    provider: 'npm',
    keywords: ['_authtoken', '_auth=', '_password='],
    // Not the end of a longer name: DB_PASSWORD= in a Dockerfile is no npm setting; nor a member
    // (`this._password=s._password` in minified JavaScript).
    pattern: /(?<![A-Za-z0-9.$])(?:_authToken|_auth|_password)\s*=\s*["']?([^\s"'$]{16,})/gi,
    severity: 'high',
    minEntropy: 3.3,
    validate: (secret) => !/^\$\{?[A-Z_]+\}?$/.test(secret),
  },
  {
    id: 'netrc-password',
    description: 'Password in a .netrc entry',
    provider: 'netrc',
    keywords: ['machine '],
    pattern: /machine\s+\S+(?:\s+login\s+\S+)?\s+password\s+(\S{4,})/g,
    severity: 'high',
    window: { before: 0, after: 600 },
    validate: (_secret, ctx) => {
      // A netrc entry starts its line; "the local machine for password history" is prose.
      const lineStart = ctx.text.lastIndexOf('\n', ctx.index - 1) + 1;
      if (!/^[ \t]*$/.test(ctx.text.slice(lineStart, ctx.index))) return false;
      return !isDocumentationHost(/^machine\s+(\S+)/.exec(ctx.match)?.[1] ?? '');
    },
  },
  {
    id: 'git-credentials-url',
    anchor: 'keyword',
    description: 'Credentials in an HTTP(S) URL (.git-credentials, remotes, configs)',
    provider: 'url',
    keywords: ['https://', 'http://'],
    pattern: /https?:\/\/[^\s:/@"'`<>]{1,128}:([^\s:/@"'`<>]{6,256})@[A-Za-z0-9.-]+\.[A-Za-z]{2,}/g,
    // Most URLs in code hold no user info: an '@' is at most 8 + 128 + 1 + 256 characters into
    // a match (scheme, user, colon, password), so a URL without one that near is not tried.
    mustContain: '@',
    mustContainWithin: 393,
    severity: 'high',
    minEntropy: 2.5,
    window: { before: 8, after: 600 },
    validate: (_secret, ctx) => !isDocumentationHost(ctx.match.slice(ctx.match.lastIndexOf('@') + 1)),
  },
  {
    id: 'pypirc-password',
    description: 'Password in a .pypirc index section',
    provider: 'pypi',
    keywords: ['[pypi]', 'repository:', '[distutils]'],
    pattern: /^password\s*[:=]\s*(\S{8,})\s*$/gm,
    severity: 'high',
    minEntropy: 3,
    window: { before: 0, after: 800 },
  },
  {
    id: 'kubeconfig-token',
    description: 'Bearer token or client key data in a kubeconfig',
    provider: 'kubernetes',
    keywords: ['client-key-data', 'users:'],
    pattern: /(?:client-key-data:\s*([A-Za-z0-9+/]{40,}={0,2})|^\s*token:\s*["']?([A-Za-z0-9._-]{20,}))/gm,
    severity: 'critical',
    minEntropy: 4,
    window: { before: 0, after: 6000 },
  },
  {
    // Laravel's APP_KEY encrypts its cookies and sessions: whoever holds it forges them (and, on
    // many versions, runs code through a forged serialized payload).
    id: 'laravel-app-key',
    anchor: 'keyword',
    description: 'Laravel application key (APP_KEY)',
    provider: 'laravel',
    keywords: ['app_key=base64:', "app_key' => 'base64:"],
    pattern: /APP_KEY(?:=|' => ')base64:([A-Za-z0-9+/]{43}=|[A-Za-z0-9+/]{22}==)(?![A-Za-z0-9+/=])/gi,
    severity: 'high',
    confidence: 'high',
    minEntropy: 3.5,
  },
];
