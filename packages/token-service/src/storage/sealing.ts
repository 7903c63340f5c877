import { createCipheriv, createDecipheriv, createHmac, randomBytes } from 'node:crypto';
import { readOrCreateSecret } from '@tokenwarden/config';
import { keyedHash, TokenWardenError } from '@tokenwarden/core';

/**
 * The secrets that never enter the database: the pepper keying every stored hash, and keys
 * derived from it. Kept under `<data>/secrets` (mode 0600), so a database dump or a PostgreSQL
 * replica alone yields neither a usable credential nor an offline guessing oracle.
 */
export interface ServiceSecrets {
  /** HMAC-SHA-256 under the pepper, base64url: the only form an opaque secret is stored in. */
  hash(value: string): string;
  /** AES-256-GCM encryption of a payload that may embed secrets (sessions, private JWKs). */
  seal(plaintext: string): string;
  /** Reverses {@link ServiceSecrets.seal}; throws TW_STORE_CORRUPT when the ciphertext was altered. */
  unseal(sealed: string): string;
  /** Stable 32-byte secrets for cookies and DPoP nonces, derived per purpose. */
  derive(purpose: string): Buffer;
}

/**
 * Loads (creating on first use) the pepper from `<data>/secrets/pepper` and derives the rest.
 *
 * @example
 * ```ts
 * const secrets = loadServiceSecrets('./.tokenwarden');
 * const lookup = secrets.hash(presentedKey);
 * ```
 */
export function loadServiceSecrets(dataDir: string): ServiceSecrets {
  const pepper = Buffer.from(readOrCreateSecret(dataDir, 'pepper'), 'base64url');
  const derive = (purpose: string): Buffer => createHmac('sha256', pepper).update(`tokenwarden/${purpose}`).digest();
  const sealKey = derive('seal/v1');
  return {
    hash: (value) => keyedHash(pepper, value),
    derive,
    seal(plaintext) {
      const iv = randomBytes(12);
      const cipher = createCipheriv('aes-256-gcm', sealKey, iv);
      const body = Buffer.concat([cipher.update(plaintext, 'utf8'), cipher.final()]);
      return `v1.${iv.toString('base64url')}.${body.toString('base64url')}.${cipher.getAuthTag().toString('base64url')}`;
    },
    unseal(sealed) {
      const parts = sealed.split('.');
      if (parts.length !== 4 || parts[0] !== 'v1') {
        throw new TokenWardenError('TW_STORE_CORRUPT', 'sealed value has an unknown format', { hint: 'the store was altered' });
      }
      try {
        const decipher = createDecipheriv('aes-256-gcm', sealKey, Buffer.from(parts[1] as string, 'base64url'));
        decipher.setAuthTag(Buffer.from(parts[3] as string, 'base64url'));
        return Buffer.concat([decipher.update(Buffer.from(parts[2] as string, 'base64url')), decipher.final()]).toString('utf8');
      } catch (cause) {
        throw new TokenWardenError('TW_STORE_CORRUPT', 'sealed value does not decrypt under this pepper', {
          hint: 'the --data secrets directory does not belong to this store, or the row was altered',
          cause,
        });
      }
    },
  };
}
