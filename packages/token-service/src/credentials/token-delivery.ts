import { randomBytes } from 'node:crypto';
import { closeSync, fsyncSync, openSync, renameSync, rmSync, statSync, writeSync } from 'node:fs';
import { dirname, isAbsolute, resolve } from 'node:path';
import { TokenWardenError } from '@tokenwarden/core';

/**
 * Resolves where a service account's tokens are delivered and checks the place is usable now:
 * an absolute path (the scheduled rotation runs in `serve`, whose working directory may differ)
 * in an existing directory, and not a directory itself.
 *
 * @example
 * ```ts
 * resolveDeliveryPath('./secrets/export.token'); // "/srv/app/secrets/export.token"
 * ```
 */
export function resolveDeliveryPath(path: string): string {
  if (path.trim().length === 0) throw new TokenWardenError('TW_USAGE', 'the delivery path is empty', { hint: 'pass --deliver-to FILE' });
  const absolute = isAbsolute(path) ? path : resolve(path);
  let dir: ReturnType<typeof statSync> | undefined;
  try {
    dir = statSync(dirname(absolute));
  } catch {
    dir = undefined;
  }
  if (!dir?.isDirectory()) {
    throw new TokenWardenError('TW_USAGE', `cannot deliver tokens to ${absolute}: ${dirname(absolute)} is not a directory`, {
      hint: 'create the directory first (readable only by the service that uses the token)',
    });
  }
  try {
    if (statSync(absolute).isDirectory()) {
      throw new TokenWardenError('TW_USAGE', `cannot deliver tokens to ${absolute}: it is a directory`, { hint: 'name a file' });
    }
  } catch (e) {
    if (e instanceof TokenWardenError) throw e;
  }
  return absolute;
}

/**
 * Writes a freshly minted token to its owner's file, readable by the file's owner only (0600),
 * all or nothing: a temporary file in the same directory, flushed, then renamed over the old one,
 * so a reader sees the old token or the new one, never half of one. Throws
 * `TW_DELIVERY_FAILED`; callers deliver before they commit, so a token that could not be
 * delivered never replaces the one its owner has.
 *
 * @example
 * ```ts
 * deliverToken('/run/secrets/export.token', minted.key);
 * ```
 */
export function deliverToken(path: string, token: string): void {
  const tmp = `${path}.${randomBytes(6).toString('hex')}.tmp`;
  try {
    const fd = openSync(tmp, 'wx', 0o600);
    try {
      writeSync(fd, `${token}\n`);
      fsyncSync(fd);
    } finally {
      closeSync(fd);
    }
    renameSync(tmp, path);
  } catch (e) {
    rmSync(tmp, { force: true });
    throw new TokenWardenError(
      'TW_DELIVERY_FAILED',
      `cannot write the new token to ${path}: ${e instanceof Error ? e.message : String(e)}`,
      {
        hint: 'check that the directory exists and is writable by the token service; the previous token stays in use',
      },
    );
  }
}
