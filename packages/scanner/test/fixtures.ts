// Deterministic generators of realistic secrets for tests: seeded, so a case that passes once
// always passes, and never a real credential.
import { crc32, encodeBase62, twChecksum } from '@tokenwarden/core';

export const B62 = '0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz';
export const HEX = '0123456789abcdef';
export const B64 = `${B62}+/`;
export const B64URL = `${B62}-_`;
export const BASE32 = 'ABCDEFGHIJKLMNOPQRSTUVWXYZ234567';
export const BECH32 = 'QPZRY9X8GF2TVDW0S3JN54KHCE6MUA7L';

let seed = 0x2f6b1c3d;
/** A seeded pseudo-random number in [0, 1). */
export function next(): number {
  // xorshift32
  seed ^= seed << 13;
  seed ^= seed >>> 17;
  seed ^= seed << 5;
  return (seed >>> 0) / 0x100000000;
}

/**
 * A generator of its own, seeded: a failing case can be replayed from its seed alone.
 *
 * @example
 * ```ts
 * const rand = prng(0x5eed); rand(); // always the same first number
 * ```
 */
export function prng(seed: number): () => number {
  let s = seed >>> 0 || 1;
  return () => {
    s ^= s << 13;
    s ^= s >>> 17;
    s ^= s << 5;
    return (s >>> 0) / 0x100000000;
  };
}

/** `n` random characters from `charset`. */
export function rnd(n: number, charset = B62): string {
  let out = '';
  for (let i = 0; i < n; i++) out += charset[Math.floor(next() * charset.length)];
  return out;
}

/** A checksum-valid GitHub/npm style token: prefix + 30 random + base62 CRC32. */
export function crcToken(prefix: string): string {
  const body = rnd(30);
  return `${prefix}${body}${encodeBase62(crc32(body), 6)}`;
}

/** A checksum-valid tw_ token. */
export function twToken(letter: 'k' | 's' | 'r' | 'c' = 'k'): string {
  const random = rnd(32);
  return `tw_${letter}_${random}${twChecksum(random)}`;
}

/** Breaks a checksum by changing the last character. */
export function breakChecksum(token: string): string {
  const last = token.slice(-1);
  return token.slice(0, -1) + (last === 'A' ? 'B' : 'A');
}

const b64url = (s: string) => Buffer.from(s).toString('base64url');

/** A JWT with the given payload (HS256, random signature). */
export function jwt(payload: Record<string, unknown>, header: Record<string, unknown> = { alg: 'HS256', typ: 'JWT' }): string {
  return `${b64url(JSON.stringify(header))}.${b64url(JSON.stringify(payload))}.${rnd(43, B64URL)}`;
}

/** A PEM block with a random base64 body of `lines` 64-character lines. */
export function pem(label: string, lines = 12): string {
  const body = Array.from({ length: lines }, () => rnd(64, B64)).join('\n');
  return `-----BEGIN ${label}-----\n${body}\n-----END ${label}-----`;
}

/**
 * An OpenSSH private key file as ssh-keygen writes it (openssh-key-v1, one Ed25519 key): the
 * binary layout, with its zero bytes, gives the base64 the runs of 'A' every real key has.
 * `cipher` other than 'none' marks it passphrase-protected (the body is then not decryptable).
 */
export function opensshKey(cipher = 'none'): string {
  const u32 = (n: number) => {
    const b = Buffer.alloc(4);
    b.writeUInt32BE(n);
    return b;
  };
  const str = (v: Buffer | string) => Buffer.concat([u32(Buffer.byteLength(v)), Buffer.from(v)]);
  const bytes = (n: number) => Buffer.from(rnd(n * 2, HEX), 'hex');
  const publicKey = bytes(32);
  const check = bytes(4);
  let secret = Buffer.concat([
    check,
    check,
    str('ssh-ed25519'),
    str(publicKey),
    str(Buffer.concat([bytes(32), publicKey])),
    str('deploy@build-01'),
  ]);
  for (let i = 1; secret.length % 8 !== 0; i++) secret = Buffer.concat([secret, Buffer.from([i])]);
  const kdf = cipher === 'none' ? '' : Buffer.concat([str(bytes(16)), u32(16)]);
  const blob = Buffer.concat([
    Buffer.from('openssh-key-v1\0', 'latin1'),
    str(cipher),
    str(cipher === 'none' ? 'none' : 'bcrypt'),
    str(kdf),
    u32(1),
    str(Buffer.concat([str('ssh-ed25519'), str(publicKey)])),
    str(secret),
  ]);
  const lines = blob.toString('base64').match(/.{1,70}/g) ?? [];
  return `-----BEGIN OPENSSH PRIVATE KEY-----\n${lines.join('\n')}\n-----END OPENSSH PRIVATE KEY-----\n`;
}
