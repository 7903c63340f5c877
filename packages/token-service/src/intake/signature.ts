import { createHmac, timingSafeEqual, verify } from 'node:crypto';
import type { IncomingHttpHeaders } from 'node:http';
import { TokenWardenError } from '@tokenwarden/core';
import type { IntakeConfig } from './config.js';

/**
 * Who signed a report, once the signature verified.
 *
 * @example
 * ```ts
 * if (sender.scheme === 'github-ecdsa') console.log(sender.keyIdentifier);
 * ```
 */
export type VerifiedSender = { scheme: 'github-ecdsa'; keyIdentifier: string } | { scheme: 'hmac-sha256' };

const KEY_ID_HEADER = 'github-public-key-identifier';
const KEY_SIGNATURE_HEADER = 'github-public-key-signature';
const HMAC_HEADER = 'x-hub-signature-256';
// A DER ECDSA P-256 signature is at most 72 bytes, 96 base64 characters.
const BASE64_SIGNATURE = /^[A-Za-z0-9+/]{8,200}={0,2}$/;

function unauthorized(message: string, hint: string): TokenWardenError {
  return new TokenWardenError('TW_INTAKE_UNAUTHORIZED', message, { hint });
}

function single(headers: IncomingHttpHeaders, name: string): string | undefined {
  const value = headers[name];
  if (Array.isArray(value)) throw unauthorized(`header ${name} is sent more than once`, 'send each signature header once');
  return value;
}

/**
 * Checks the signature of a report over its raw bytes, before anything parses them.
 *
 * - GitHub partner scheme: `Github-Public-Key-Identifier` names a trusted ECDSA P-256 key and
 *   `Github-Public-Key-Signature` is the base64 DER signature (SHA-256) of the body.
 * - Shared-secret scheme: `X-Hub-Signature-256: sha256=<hex HMAC-SHA-256 of the body>`, compared
 *   in constant time against every configured secret.
 *
 * When the GitHub headers are present they decide: a failing ECDSA signature never falls back to
 * the HMAC scheme. Throws `TW_INTAKE_UNAUTHORIZED` naming what is wrong (never the key material).
 *
 * @example
 * ```ts
 * const sender = verifyReportSignature(req.headers, rawBody, config); // { scheme: 'github-ecdsa', keyIdentifier }
 * ```
 */
export function verifyReportSignature(headers: IncomingHttpHeaders, body: Buffer, config: IntakeConfig): VerifiedSender {
  const keyId = single(headers, KEY_ID_HEADER);
  const signature = single(headers, KEY_SIGNATURE_HEADER);
  if (keyId !== undefined || signature !== undefined) return verifyEcdsa(keyId, signature, body, config);
  const hmac = single(headers, HMAC_HEADER);
  if (hmac !== undefined) return verifyHmac(hmac, body, config);
  throw unauthorized(
    'the report is not signed',
    `send ${KEY_ID_HEADER} and ${KEY_SIGNATURE_HEADER} (ECDSA), or ${HMAC_HEADER}: sha256=<hex> (shared secret)`,
  );
}

function verifyEcdsa(keyId: string | undefined, signature: string | undefined, body: Buffer, config: IntakeConfig): VerifiedSender {
  if (!keyId) throw unauthorized(`header ${KEY_ID_HEADER} is missing or empty`, 'send the identifier of the signing key');
  if (!signature) throw unauthorized(`header ${KEY_SIGNATURE_HEADER} is missing or empty`, 'send the base64 DER signature of the body');
  const key = config.ecdsaKeys.get(keyId.trim());
  if (!key) {
    throw unauthorized(
      'unknown signing key identifier',
      'add the sender key to the trusted keys (secret-scanning-keys.json in the data directory)',
    );
  }
  const trimmed = signature.trim();
  if (!BASE64_SIGNATURE.test(trimmed)) throw unauthorized(`header ${KEY_SIGNATURE_HEADER} is not base64`, 'send the base64 DER signature');
  let ok = false;
  try {
    ok = verify('sha256', body, { key, dsaEncoding: 'der' }, Buffer.from(trimmed, 'base64'));
  } catch {
    // A structurally broken DER signature throws instead of returning false: same answer.
    ok = false;
  }
  if (!ok) throw unauthorized('the signature does not verify over the request body', 'sign the exact bytes sent, with the named key');
  return { scheme: 'github-ecdsa', keyIdentifier: keyId.trim() };
}

function verifyHmac(header: string, body: Buffer, config: IntakeConfig): VerifiedSender {
  const m = /^sha256=([0-9a-fA-F]{64})$/.exec(header.trim());
  if (!m) throw unauthorized(`header ${HMAC_HEADER} is malformed`, 'send sha256=<64 hex digits of HMAC-SHA-256 over the body>');
  if (config.hmacSecrets.length === 0) {
    throw unauthorized('shared-secret signatures are not enabled here', 'configure hmac_secrets, or sign with a trusted ECDSA key');
  }
  const presented = Buffer.from((m[1] as string).toLowerCase(), 'hex');
  let ok = false;
  // Every secret is tried, without an early exit, so timing does not reveal which one matched.
  for (const secret of config.hmacSecrets) {
    const expected = createHmac('sha256', secret).update(body).digest();
    ok = timingSafeEqual(expected, presented) || ok;
  }
  if (!ok) throw unauthorized('the HMAC signature does not match the request body', 'sign the exact bytes sent with the shared secret');
  return { scheme: 'hmac-sha256' };
}
