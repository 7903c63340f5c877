import { createPublicKey, type KeyObject } from 'node:crypto';
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { ConfigError } from '@tokenwarden/core';
import type { ExposureReport } from './exposure.js';

/**
 * A public key a partner (GitHub) signs reports with, as GitHub publishes it.
 *
 * @example
 * ```ts
 * const key: TrustedSigningKey = { key_identifier: '90a421…', key: '-----BEGIN PUBLIC KEY-----\n…' };
 * ```
 */
export interface TrustedSigningKey {
  /** The value the sender puts in `Github-Public-Key-Identifier`. */
  key_identifier: string;
  /** SPKI PEM of an ECDSA P-256 public key. */
  key: string;
}

/**
 * Options of the secret-scanning intake (`TokenServiceOptions.intake`).
 *
 * @example
 * ```ts
 * await openTokenService({ dataDir, issuer, intake: { hmacSecrets: [process.env.INTAKE_SECRET ?? ''], notify: (r) => page(r) } });
 * ```
 */
export interface SecretScanningIntakeOptions {
  /** ECDSA P-256 keys trusted for `Github-Public-Key-Signature`; added to those of the keys file. */
  trustedKeys?: TrustedSigningKey[];
  /** Shared secrets (at least 32 characters) for `X-Hub-Signature-256: sha256=<hex>` senders. */
  hmacSecrets?: string[];
  /** JSON keys file; default `<dataDir>/secret-scanning-keys.json` when it exists. */
  keysFile?: string;
  /** Largest accepted body in bytes; default 1 MiB. */
  maxBodyBytes?: number;
  /** Largest number of reported tokens in one request; default 1000. */
  maxItems?: number;
  /** URL path of the endpoint; default `/intake/secret-scanning`. */
  path?: string;
  /** Called once per newly reported exposure of one of our tokens (after revocation). */
  notify?: (report: ExposureReport) => void | Promise<void>;
}

/**
 * The validated intake configuration.
 *
 * @example
 * ```ts
 * const config: IntakeConfig | undefined = resolveIntakeConfig(dataDir, options);
 * ```
 */
export interface IntakeConfig {
  path: string;
  maxBodyBytes: number;
  maxItems: number;
  /** Trusted ECDSA keys by identifier. */
  ecdsaKeys: ReadonlyMap<string, KeyObject>;
  hmacSecrets: readonly string[];
  notify?: (report: ExposureReport) => void | Promise<void>;
}

/**
 * Default URL path of the intake endpoint.
 *
 * @example
 * ```ts
 * await fetch(`${issuer}${DEFAULT_INTAKE_PATH}`, { method: 'POST', headers, body });
 * ```
 */
export const DEFAULT_INTAKE_PATH = '/intake/secret-scanning';
/**
 * Default body cap: GitHub batches are far smaller.
 *
 * @example
 * ```ts
 * const intake = { maxBodyBytes: 2 * DEFAULT_MAX_BODY_BYTES };
 * ```
 */
export const DEFAULT_MAX_BODY_BYTES = 1024 * 1024;
/**
 * The keys file looked for in the data directory.
 *
 * @example
 * ```ts
 * writeFileSync(join(dataDir, KEYS_FILE_NAME), githubPublicKeysJson);
 * ```
 */
export const KEYS_FILE_NAME = 'secret-scanning-keys.json';

const MIN_HMAC_SECRET_LENGTH = 32;

/**
 * Builds the intake configuration from options and the keys file. Returns `undefined` when no
 * trusted key or secret is configured at all: the endpoint is then not mounted, since an intake
 * that cannot authenticate its sender must not exist.
 *
 * The keys file is either GitHub's own `GET /meta/public_keys/secret_scanning` document
 * (`{"public_keys": [{"key_identifier", "key", "is_current"}]}`), saved offline, or a plain array of
 * `{key_identifier, key}`; it may also carry `"hmac_secrets": ["..."]`.
 *
 * @example
 * ```ts
 * const config = resolveIntakeConfig('./.tokenwarden', { trustedKeys: [{ key_identifier: 'abc', key: pem }] });
 * ```
 */
export function resolveIntakeConfig(dataDir: string, options: SecretScanningIntakeOptions = {}): IntakeConfig | undefined {
  const keys: TrustedSigningKey[] = [...(options.trustedKeys ?? [])];
  const secrets: string[] = [...(options.hmacSecrets ?? [])];
  const file = options.keysFile ?? join(dataDir, KEYS_FILE_NAME);
  if (options.keysFile !== undefined || existsSync(file)) {
    const fromFile = readKeysFile(file);
    keys.push(...fromFile.keys);
    secrets.push(...fromFile.hmacSecrets);
  }
  if (keys.length === 0 && secrets.length === 0) return undefined;

  const ecdsaKeys = new Map<string, KeyObject>();
  keys.forEach((k, i) => {
    ecdsaKeys.set(validIdentifier(k.key_identifier, i), toP256Key(k.key, i));
  });
  secrets.forEach((s, i) => {
    if (typeof s !== 'string' || s.length < MIN_HMAC_SECRET_LENGTH) {
      // Never echo a secret, even a short one, into the error message.
      throw new ConfigError(`token.intake.hmac_secrets[${i}]`, '<redacted>', `a string of at least ${MIN_HMAC_SECRET_LENGTH} characters`);
    }
  });
  const path = options.path ?? DEFAULT_INTAKE_PATH;
  if (!/^\/[A-Za-z0-9/_.-]*$/.test(path))
    throw new ConfigError('token.intake.path', path, 'an absolute URL path such as /intake/secret-scanning');
  const maxBodyBytes = options.maxBodyBytes ?? DEFAULT_MAX_BODY_BYTES;
  if (!Number.isInteger(maxBodyBytes) || maxBodyBytes < 1024 || maxBodyBytes > 64 * 1024 * 1024) {
    throw new ConfigError('token.intake.max_body_bytes', maxBodyBytes, 'whole bytes from 1024 to 67108864');
  }
  const maxItems = options.maxItems ?? 1000;
  if (!Number.isInteger(maxItems) || maxItems < 1) throw new ConfigError('token.intake.max_items', maxItems, 'a positive whole number');
  return {
    path,
    maxBodyBytes,
    maxItems,
    ecdsaKeys,
    hmacSecrets: secrets,
    ...(options.notify ? { notify: options.notify } : {}),
  };
}

function readKeysFile(file: string): { keys: TrustedSigningKey[]; hmacSecrets: string[] } {
  let parsed: unknown;
  try {
    parsed = JSON.parse(readFileSync(file, 'utf8'));
  } catch (e) {
    const why = e instanceof SyntaxError ? 'valid JSON' : 'a readable file';
    throw new ConfigError('token.intake.keys_file', file, `${why} of trusted secret-scanning keys`, { cause: e });
  }
  const root = parsed as { public_keys?: unknown; hmac_secrets?: unknown } | unknown[];
  const list = Array.isArray(root) ? root : root && typeof root === 'object' ? root.public_keys : undefined;
  if (list !== undefined && !Array.isArray(list)) {
    throw new ConfigError('token.intake.keys_file', file, 'an array of {key_identifier, key} or {"public_keys": [...]}');
  }
  const secrets = !Array.isArray(root) && root && typeof root === 'object' ? root.hmac_secrets : undefined;
  if (secrets !== undefined && !(Array.isArray(secrets) && secrets.every((s) => typeof s === 'string'))) {
    throw new ConfigError('token.intake.keys_file', file, '"hmac_secrets" as an array of strings');
  }
  return {
    keys: (list ?? []).map((k, i) => {
      const entry = k as Partial<TrustedSigningKey> | null;
      if (!entry || typeof entry !== 'object' || typeof entry.key !== 'string' || typeof entry.key_identifier !== 'string') {
        throw new ConfigError(`token.intake.keys_file[${i}]`, file, 'an object with string "key_identifier" and "key"');
      }
      return { key_identifier: entry.key_identifier, key: entry.key };
    }),
    hmacSecrets: (secrets as string[] | undefined) ?? [],
  };
}

function validIdentifier(id: unknown, index: number): string {
  if (typeof id !== 'string' || !/^[A-Za-z0-9_.:-]{1,256}$/.test(id)) {
    throw new ConfigError(`token.intake.trusted_keys[${index}].key_identifier`, id, 'letters, digits, _ . : - (1 to 256)');
  }
  return id;
}

function toP256Key(pem: unknown, index: number): KeyObject {
  const where = `token.intake.trusted_keys[${index}].key`;
  let key: KeyObject;
  try {
    key = createPublicKey(String(pem));
  } catch (e) {
    throw new ConfigError(where, '<PEM>', 'a PEM public key', { cause: e });
  }
  if (key.asymmetricKeyType !== 'ec' || key.asymmetricKeyDetails?.namedCurve !== 'prime256v1') {
    throw new ConfigError(where, '<PEM>', 'an ECDSA P-256 public key (GitHub signs with ECDSA P-256 / SHA-256)');
  }
  return key;
}
