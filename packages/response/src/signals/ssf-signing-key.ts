import { createPrivateKey, createPublicKey } from 'node:crypto';
import { readOrCreateSecret } from '@tokenwarden/config';
import { calculateJwkThumbprint, exportJWK, type JWK } from 'jose';
import type { SetSigner } from './security-event-token.js';

// PKCS#8 DER prefix of an Ed25519 private key (RFC 8410): the 32-byte seed follows.
const ED25519_PKCS8_PREFIX = Buffer.from('302e020100300506032b657004220420', 'hex');

/** The transmitter's signer and the public key receivers verify with. */
export interface SsfSigningKey {
  signer: SetSigner;
  /** Public JWK (with `kid`, `alg`, `use: sig`), for the transmitter's `jwks_uri`. */
  publicJwk: JWK;
}

/**
 * The Shared Signals signing key: an Ed25519 key whose 32-byte seed is the `ssf-signing-key`
 * secret under `<data>/secrets/` (created on first use, mode 0600), never in the config file.
 * Every process of one deployment that shares the data directory signs with the same key, and
 * the `kid` is the key's JWK thumbprint (RFC 7638), so receivers can pin it.
 *
 * @example
 * ```ts
 * const { signer, publicJwk } = await ssfSigningKey('./.tokenwarden', 'https://tokenwarden.example');
 * const tx = new SsfTransmitter(signer, receivers);
 * ```
 */
export async function ssfSigningKey(dataDir: string, issuer: string): Promise<SsfSigningKey> {
  const seed = Buffer.from(readOrCreateSecret(dataDir, 'ssf-signing-key'), 'base64url').subarray(0, 32);
  if (seed.length !== 32) throw new TypeError('the ssf-signing-key secret must hold at least 32 bytes');
  const key = createPrivateKey({ key: Buffer.concat([ED25519_PKCS8_PREFIX, seed]), format: 'der', type: 'pkcs8' });
  const jwk = await exportJWK(createPublicKey(key));
  const kid = await calculateJwkThumbprint(jwk);
  return { signer: { issuer, key, kid, alg: 'EdDSA' }, publicJwk: { ...jwk, kid, alg: 'EdDSA', use: 'sig' } };
}
