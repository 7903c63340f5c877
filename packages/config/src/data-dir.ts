import { accessSync, chmodSync, constants, mkdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { randomSecret, TokenWardenError } from '@tokenwarden/core';

/**
 * Makes sure the data directory exists and is writable, with a clear error otherwise.
 * Returns its absolute path.
 *
 * @example
 * ```ts
 * const dir = ensureDataDir(cfg.data); // "/home/me/project/.tokenwarden"
 * ```
 */
export function ensureDataDir(dir: string): string {
  const abs = resolve(dir);
  try {
    mkdirSync(abs, { recursive: true, mode: 0o700 });
  } catch (cause) {
    throw new TokenWardenError(
      'TW_PERMISSION_DENIED',
      `cannot create data directory ${abs}: ${(cause as NodeJS.ErrnoException).code ?? (cause as Error).message}`,
      {
        hint: 'choose a writable --data directory',
        cause,
        data: { path: abs },
      },
    );
  }
  if (!statSync(abs).isDirectory()) {
    throw new TokenWardenError('TW_PERMISSION_DENIED', `data path ${abs} is not a directory`, { hint: 'point --data at a directory' });
  }
  try {
    accessSync(abs, constants.W_OK | constants.R_OK);
  } catch (cause) {
    throw new TokenWardenError('TW_PERMISSION_DENIED', `data directory ${abs} is not writable`, {
      hint: 'fix its permissions or choose another --data directory',
      cause,
      data: { path: abs },
    });
  }
  return abs;
}

/**
 * Reads a named secret from `<data>/secrets/<name>`, creating it (256 random bits, mode 0600)
 * on first use. Secrets such as the hashing pepper live here, outside the database, so a dump
 * of the database alone yields nothing usable.
 *
 * @example
 * ```ts
 * const pepper = Buffer.from(readOrCreateSecret(dataDir, 'pepper'), 'base64url');
 * ```
 */
export function readOrCreateSecret(dataDir: string, name: string): string {
  if (!/^[a-z0-9-]+$/.test(name)) throw new TypeError(`bad secret name ${name}`);
  const dir = join(dataDir, 'secrets');
  mkdirSync(dir, { recursive: true, mode: 0o700 });
  const file = join(dir, name);
  try {
    return readFileSync(file, 'utf8').trim();
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code !== 'ENOENT') {
      throw new TokenWardenError('TW_PERMISSION_DENIED', `cannot read secret file ${file}`, { cause: e, hint: 'check its permissions' });
    }
  }
  const value = randomSecret(256);
  try {
    writeFileSync(file, `${value}\n`, { mode: 0o600, flag: 'wx' });
  } catch (e) {
    // Another process created it first: use theirs, so every process agrees on one secret.
    if ((e as NodeJS.ErrnoException).code === 'EEXIST') return readFileSync(file, 'utf8').trim();
    throw new TokenWardenError('TW_PERMISSION_DENIED', `cannot write secret file ${file}`, {
      cause: e,
      hint: 'check permissions of the data directory',
    });
  }
  chmodSync(file, 0o600);
  return value;
}
