import type { Rule, Validation } from '../types.js';
import { decodeBase64Url } from './define.js';

function parseJson(text: string | undefined): Record<string, unknown> | undefined {
  if (text === undefined) return undefined;
  try {
    const value: unknown = JSON.parse(text);
    return value !== null && typeof value === 'object' && !Array.isArray(value) ? (value as Record<string, unknown>) : undefined;
  } catch {
    return undefined;
  }
}

/**
 * Decodes a JWT's header and payload and decides whether it is worth reporting: it must parse,
 * carry an `alg`, and not be unsigned; an expired token is reported at low severity.
 *
 * @example
 * ```ts
 * validateJwt(token).details?.alg; // "RS256"
 * ```
 */
export function validateJwt(token: string, now = Date.now()): Validation {
  const [h, p, s] = token.split('.');
  const header = parseJson(decodeBase64Url(h ?? ''));
  const payload = parseJson(decodeBase64Url(p ?? ''));
  if (!header || !payload || typeof header.alg !== 'string') return { valid: false };
  if (header.alg.toLowerCase() === 'none' || !s) return { valid: false };
  const details: Record<string, string | number | boolean> = { alg: header.alg };
  if (typeof payload.iss === 'string') details.iss = payload.iss.slice(0, 200);
  if (typeof payload.sub === 'string') details.sub = payload.sub.slice(0, 200);
  if (typeof payload.exp === 'number') {
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
