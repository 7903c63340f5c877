import { createHmac } from 'node:crypto';
import type { Rule, Validation } from '../types.js';
import { decodeBase64Url, jsonObjectOf } from './define.js';

// HMAC keys of documentation and tutorials (jwt.io's defaults, PyJWT's and most READMEs'): a token
// they verify is an example anyone can mint, not a leaked credential.
const EXAMPLE_HMAC_KEYS = [
  'secret',
  'your-256-bit-secret',
  'your-384-bit-secret',
  'your-512-bit-secret',
  'key',
  'password',
  'changeme',
  'mysecret',
  'my-secret',
  'secretkey',
  'secret-key',
  'supersecret',
  'shhhhh',
  'test',
];
// A Map: the header's `alg` is the file's text, and `constructor` must not find Object.prototype's.
const HMAC_DIGESTS: ReadonlyMap<string, string> = new Map([
  ['HS256', 'sha256'],
  ['HS384', 'sha384'],
  ['HS512', 'sha512'],
]);

/**
 * True when an HS256/384/512 token's signature verifies with a key from documentation and
 * tutorials (`secret`, jwt.io's `your-256-bit-secret`...).
 *
 * @example
 * ```ts
 * signedWithExampleKey('eyJhbGciOiJIUzI1NiJ9.eyJzdWIiOiJ4In0.<sig>', 'HS256'); // true when <sig> is HMAC("secret")
 * ```
 */
export function signedWithExampleKey(token: string, alg: string): boolean {
  const digest = HMAC_DIGESTS.get(alg);
  const dot = token.lastIndexOf('.');
  if (digest === undefined || dot === -1) return false;
  const input = token.slice(0, dot);
  const signature = token.slice(dot + 1);
  return EXAMPLE_HMAC_KEYS.some((key) => createHmac(digest, key).update(input).digest('base64url') === signature);
}

/**
 * Decodes a JWT's header and payload and decides whether it is worth reporting: it must parse,
 * carry an `alg`, and be neither unsigned nor signed with a documentation key (`secret`...); an
 * expired token is reported at low severity.
 *
 * @example
 * ```ts
 * validateJwt(token).details?.alg; // "RS256"
 * ```
 */
export function validateJwt(token: string, now = Date.now()): Validation {
  const [h, p, s] = token.split('.');
  const header = jsonObjectOf(decodeBase64Url(h ?? ''));
  const payload = jsonObjectOf(decodeBase64Url(p ?? ''));
  if (!header || !payload || typeof header.alg !== 'string') return { valid: false };
  if (header.alg.toLowerCase() === 'none' || !s) return { valid: false };
  if (signedWithExampleKey(token, header.alg)) return { valid: false };
  const details: Record<string, string | number | boolean> = { alg: header.alg };
  if (typeof payload.iss === 'string') details.iss = payload.iss.slice(0, 200);
  if (typeof payload.sub === 'string') details.sub = payload.sub.slice(0, 200);
  // Beyond ±8.64e15 ms a Date is invalid and toISOString throws: such an `exp` is no date at all.
  if (typeof payload.exp === 'number' && Math.abs(payload.exp) <= 8.64e12) {
    details.exp = new Date(payload.exp * 1000).toISOString();
    if (payload.exp * 1000 < now) {
      details.expired = true;
      return { valid: true, severity: 'low', confidence: 'medium', details };
    }
  }
  return { valid: true, details };
}

/**
 * JSON Web Tokens (reported only when the header and payload decode to JSON objects).
 *
 * @example
 * ```ts
 * jwtRules[0].id; // "jwt"
 * ```
 */
export const jwtRules: Rule[] = [
  {
    id: 'jwt',
    anchor: 'keyword',
    description: 'JSON Web Token',
    provider: 'jwt',
    keywords: ['eyj'],
    pattern: /(?<![A-Za-z0-9_-])(eyJ[A-Za-z0-9_-]{8,}\.eyJ[A-Za-z0-9_-]{8,}\.[A-Za-z0-9_-]{16,})(?![A-Za-z0-9_-])/g,
    severity: 'medium',
    confidence: 'high',
    window: { before: 0, after: 8192 },
    validate: (secret) => validateJwt(secret),
  },
];
