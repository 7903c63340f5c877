import { createRequire } from 'node:module';

/** Verifies an Ed25519 signature over `message` with a raw 32-byte public key. */
export type Ed25519Verify = (signature: Buffer, message: Buffer, publicKey: Buffer) => boolean;

interface SodiumBinding {
  crypto_sign_verify_detached(signature: Buffer, message: Buffer, publicKey: Buffer): boolean;
}

let loaded: Ed25519Verify | null | undefined;

/**
 * libsodium's Ed25519 verification (the optional `sodium-native` binding), or undefined when it
 * cannot be loaded (not installed, no prebuilt binary for this platform) or
 * `TOKENWARDEN_ED25519=openssl` asks for node:crypto.
 *
 * Why: a DPoP proof costs one signature verification per request, and node:crypto's Ed25519
 * (OpenSSL's portable C) took 140-160 µs on the 2-core bench host, as much CPU as the whole proxy
 * hop; libsodium's took 65-95 µs on the same host. libsodium is also the stricter of the two (it
 * refuses non-canonical signatures and small-order keys and points), so a proof it accepts,
 * OpenSSL accepts too. Callers fall back to node:crypto when this returns undefined.
 *
 * @example
 * ```ts
 * const verify = fastEd25519Verify();
 * const ok = verify ? verify(signature, data, rawPublicKey) : crypto.verify(null, data, keyObject, signature);
 * ```
 */
export function fastEd25519Verify(): Ed25519Verify | undefined {
  if (loaded !== undefined) return loaded ?? undefined;
  loaded = null;
  const path = fastEd25519Module();
  if (path === undefined) return undefined;
  try {
    const sodium = createRequire(import.meta.url)(path) as SodiumBinding;
    if (typeof sodium.crypto_sign_verify_detached !== 'function') return undefined;
    const verify = sodium.crypto_sign_verify_detached.bind(sodium);
    loaded = (signature, message, publicKey) => {
      // The binding throws on wrong lengths; a proof with the wrong shape is just not valid.
      if (signature.length !== 64 || publicKey.length !== 32) return false;
      try {
        return verify(signature, message, publicKey);
      } catch {
        return false;
      }
    };
  } catch {
    loaded = null;
  }
  return loaded ?? undefined;
}

/**
 * Where the libsodium binding loads from (for a worker thread to load it too), or undefined when it
 * is not installed or `TOKENWARDEN_ED25519=openssl` turns it off.
 *
 * @example
 * ```ts
 * new Worker(source, { eval: true, workerData: { sodium: fastEd25519Module() } });
 * ```
 */
export function fastEd25519Module(): string | undefined {
  if (process.env.TOKENWARDEN_ED25519?.toLowerCase() === 'openssl') return undefined;
  try {
    return createRequire(import.meta.url).resolve('sodium-native');
  } catch {
    return undefined;
  }
}
