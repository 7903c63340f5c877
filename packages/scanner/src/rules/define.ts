import { crc32, encodeBase62 } from '@tokenwarden/core/formats';
import { shannonEntropy } from '../text/entropy.js';
import type { Confidence, Rule, Severity, Validation } from '../types.js';

/** Characters that may not sit right before a token (so `xghp_` does not match `ghp_`). */
export const LEFT = '(?<![A-Za-z0-9_])';
/** Characters that may not follow a token (so a longer run is not cut into a token). */
export const RIGHT = '(?![A-Za-z0-9_])';
/** Like {@link RIGHT}, for tokens whose body may hold `-`: a longer dashed run is not cut either. */
export const DASHED_RIGHT = '(?![A-Za-z0-9_-])';

/** Options of {@link prefixedToken}. */
export interface PrefixedTokenOptions {
  id: string;
  description: string;
  provider: string;
  /** The literal prefix, as written in the token (also the prefilter keyword). */
  prefix: string;
  /** Regex source of the part after the prefix. */
  body: string;
  severity: Severity;
  confidence?: Confidence;
  minEntropy?: number;
  validate?: Rule['validate'];
  /** The body ends in a checksum that `validate` checks (see {@link Rule.checksummed}). */
  checksummed?: boolean;
  /** Extra keywords (defaults to the lower-cased prefix). */
  keywords?: string[];
  /** Allow a trailing `-`/`.` inside the right boundary check (tokens ending in such characters). */
  right?: string;
}

function escapeRegex(s: string): string {
  return s.replace(/[.*+?^${}()|[\]\\/-]/g, '\\$&');
}

/**
 * Builds a rule for a token recognised by a fixed prefix and a body charset: the common shape of
 * modern provider tokens, designed by the providers to be found by scanners.
 *
 * @example
 * ```ts
 * prefixedToken({ id: 'pypi-token', description: 'PyPI token', provider: 'pypi',
 *   prefix: 'pypi-AgEIcHlwaS5vcmc', body: '[A-Za-z0-9_-]{50,}', severity: 'high' });
 * ```
 */
export function prefixedToken(o: PrefixedTokenOptions): Rule {
  return {
    id: o.id,
    description: o.description,
    provider: o.provider,
    keywords: o.keywords ?? [o.prefix.toLowerCase()],
    pattern: new RegExp(`${LEFT}(${escapeRegex(o.prefix)}${o.body})${o.right ?? RIGHT}`, 'g'),
    severity: o.severity,
    confidence: o.confidence ?? 'high',
    anchor: 'keyword',
    ...(o.minEntropy === undefined ? {} : { minEntropy: o.minEntropy }),
    ...(o.validate === undefined ? {} : { validate: o.validate }),
    ...(o.checksummed ? { checksummed: true } : {}),
  };
}

/**
 * True when the last 6 characters of `body` are the base62 CRC32 of the characters before them,
 * the checksum scheme of GitHub's and npm's token formats.
 *
 * @example
 * ```ts
 * hasBase62Crc32('abc' + encodeBase62(crc32('abc'), 6)); // true
 * ```
 */
export function hasBase62Crc32(body: string): boolean {
  if (body.length <= 6) return false;
  const random = body.slice(0, -6);
  return encodeBase62(crc32(random), 6) === body.slice(-6);
}

/**
 * Validator that rejects low-entropy bodies: `entropyAtLeast(3.5)`.
 *
 * @example
 * ```ts
 * const rule = { ...base, validate: entropyAtLeast(3) };
 * ```
 */
export function entropyAtLeast(bits: number): (secret: string) => Validation {
  return (secret) => ({ valid: shannonEntropy(secret) >= bits });
}

/**
 * Decodes base64url (or base64) text to a UTF-8 string, or `undefined` when it is not valid.
 *
 * @example
 * ```ts
 * decodeBase64Url('eyJhIjoxfQ'); // '{"a":1}'
 * ```
 */
export function decodeBase64Url(value: string): string | undefined {
  if (!/^[A-Za-z0-9_\-+/]+={0,2}$/.test(value)) return undefined;
  try {
    return Buffer.from(value.replace(/-/g, '+').replace(/_/g, '/'), 'base64').toString('utf8');
  } catch {
    return undefined;
  }
}

/**
 * The JSON object `text` holds, or undefined for anything else (no text, invalid JSON, an array, a
 * scalar): what a token's decoded segment must be before its claims are read.
 *
 * @example
 * ```ts
 * jsonObjectOf('{"a":1}'); // { a: 1 }
 * jsonObjectOf('[1]'); // undefined
 * ```
 */
export function jsonObjectOf(text: string | undefined): Record<string, unknown> | undefined {
  if (text === undefined) return undefined;
  try {
    const value: unknown = JSON.parse(text);
    return value !== null && typeof value === 'object' && !Array.isArray(value) ? (value as Record<string, unknown>) : undefined;
  } catch {
    return undefined;
  }
}

// RFC 2606 / RFC 6761: names that never resolve to anyone's service.
const RESERVED_HOST = /(?:^|\.)(?:example\.(?:com|net|org)|example|test|invalid)$/i;
// The host names documentation writes for "your server".
const PLACEHOLDER_HOST = /^(?:host|hostname|somehost|myhost|yourhost|your[-_]host|your[-_]?domain(?:\.com)?|mydomain\.com)$/i;

/**
 * True when `host` (a URL's host or a netrc `machine`, possibly with a port, a path or a man
 * page's `\&` escape) is a documentation name: a domain reserved for examples (`example.com`,
 * `*.example`, `*.test`, `*.invalid`) or a placeholder (`host`, `yourdomain.com`). Credentials
 * for such a host are examples.
 *
 * @example
 * ```ts
 * isDocumentationHost('repo.example.org/debian'); // true
 * isDocumentationHost('db.internal.acme.net'); // false
 * ```
 */
export function isDocumentationHost(host: string): boolean {
  const name = host.replace(/\\&/g, '').split(/[/:]/, 1)[0] ?? '';
  return RESERVED_HOST.test(name) || PLACEHOLDER_HOST.test(name);
}

const BECH32_CHARSET = 'qpzry9x8gf2tvdw0s3jn54khce6mua7l';
const BECH32_GENERATOR = [0x3b6a57b2, 0x26508e6d, 0x1ea119fa, 0x3d4233dd, 0x2a1462b3];

function bech32Polymod(values: readonly number[]): number {
  let chk = 1;
  for (const v of values) {
    const top = chk >>> 25;
    chk = ((chk & 0x1ffffff) << 5) ^ v;
    for (let i = 0; i < 5; i++) if ((top >>> i) & 1) chk ^= BECH32_GENERATOR[i] as number;
  }
  return chk >>> 0;
}

/**
 * True when `text` is valid Bech32 (BIP 173: human-readable part, `1`, data with a 6-character
 * checksum), in one case, without the 90-character limit: the encoding of age keys.
 *
 * @example
 * ```ts
 * hasBech32Checksum('AGE-SECRET-KEY-1' + 'Q'.repeat(58)); // false
 * ```
 */
export function hasBech32Checksum(text: string): boolean {
  if (text !== text.toUpperCase() && text !== text.toLowerCase()) return false;
  const lower = text.toLowerCase();
  const sep = lower.lastIndexOf('1');
  if (sep < 1 || lower.length - sep - 1 < 6) return false;
  const values: number[] = [];
  for (let i = 0; i < sep; i++) values.push(lower.charCodeAt(i) >> 5);
  values.push(0);
  for (let i = 0; i < sep; i++) values.push(lower.charCodeAt(i) & 31);
  for (const ch of lower.slice(sep + 1)) {
    const v = BECH32_CHARSET.indexOf(ch);
    if (v < 0) return false;
    values.push(v);
  }
  return bech32Polymod(values) === 1;
}
