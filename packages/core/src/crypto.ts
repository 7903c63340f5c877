import { createHash, createHmac, randomBytes, timingSafeEqual } from 'node:crypto';

/**
 * Keyed hash (HMAC-SHA-256, base64url) used to store every opaque secret at rest.
 * The pepper lives outside the database, so a dump of the store yields no usable credential
 * and no offline guessing oracle.
 *
 * @example
 * ```ts
 * const lookupKey = keyedHash(pepper, presentedKey);
 * ```
 */
export function keyedHash(pepper: Uint8Array, secret: string): string {
  return createHmac('sha256', pepper).update(secret, 'utf8').digest('base64url');
}

/**
 * Unkeyed SHA-256 (hex), for fingerprints that are safe to show (for example the `secret_hash`
 * of a scanner finding, which lets two reports be matched without revealing the secret).
 *
 * @example
 * ```ts
 * sha256Hex('abc').slice(0, 8); // "ba7816bf"
 * ```
 */
export function sha256Hex(data: string | Uint8Array): string {
  return createHash('sha256').update(data).digest('hex');
}

/**
 * Constant-time string comparison. Both inputs are hashed first so that the comparison time
 * does not depend on where they differ, nor on their lengths.
 *
 * @example
 * ```ts
 * if (!safeEqual(presented, expected)) throw unauthorized();
 * ```
 */
export function safeEqual(a: string, b: string): boolean {
  const ha = createHash('sha256').update(a, 'utf8').digest();
  const hb = createHash('sha256').update(b, 'utf8').digest();
  return timingSafeEqual(ha, hb) && a.length === b.length;
}

/**
 * A fresh random secret of `bits` bits (at least 256 by default), base64url-encoded.
 *
 * @example
 * ```ts
 * const pepper = randomSecret(); // 43 characters
 * ```
 */
export function randomSecret(bits = 256): string {
  return randomBytes(Math.ceil(bits / 8)).toString('base64url');
}

/**
 * Redacts a secret for display: keeps a short recognisable prefix, hides the rest.
 *
 * @example
 * ```ts
 * redact('tw_k_abcdefghijklmnop...'); // "tw_k_abc…(43 chars)"
 * ```
 */
export function redact(secret: string, keep = 8): string {
  if (secret.length <= keep) return '*'.repeat(secret.length);
  return `${secret.slice(0, keep)}…(${secret.length} chars)`;
}
