import { TokenWardenError } from '@tokenwarden/core/errors';

/** Writes a result to stdout: JSON when asked (or when stdout is not for humans), else text. */
export function printResult(value: unknown, json: boolean, text?: (v: unknown) => string): void {
  if (json || !text) process.stdout.write(`${JSON.stringify(value, null, json ? 2 : 0)}\n`);
  else process.stdout.write(`${text(value)}\n`);
}

/** Writes one JSON object per line to stdout (streaming results such as alerts). */
export function printJsonLine(value: unknown): void {
  process.stdout.write(`${JSON.stringify(value)}\n`);
}

/** A Node.js system error: a file, directory or socket the operating system refused. */
interface SystemError extends Error {
  code: string;
  syscall?: string;
  path?: string;
  address?: string;
  port?: number;
}

function isSystemError(e: unknown): e is SystemError {
  return e instanceof Error && typeof (e as Partial<SystemError>).code === 'string' && /^E[A-Z]+$/.test((e as SystemError).code);
}

const FILE_REFUSALS: Readonly<
  Record<string, { code: 'TW_PERMISSION_DENIED' | 'TW_NOT_FOUND' | 'TW_UNAVAILABLE'; what: string; hint: string }>
> = {
  ENOENT: { code: 'TW_NOT_FOUND', what: 'no such file or directory', hint: 'check the path; the directory must exist' },
  ENOTDIR: { code: 'TW_NOT_FOUND', what: 'a part of the path is a file, not a directory', hint: 'check the path' },
  EISDIR: { code: 'TW_PERMISSION_DENIED', what: 'it is a directory', hint: 'name a file, not a directory' },
  EACCES: { code: 'TW_PERMISSION_DENIED', what: 'permission denied', hint: 'check its permissions or pick another path' },
  EPERM: { code: 'TW_PERMISSION_DENIED', what: 'operation not permitted', hint: 'check its permissions or pick another path' },
  EROFS: { code: 'TW_PERMISSION_DENIED', what: 'read-only file system', hint: 'pick a writable path' },
  EEXIST: { code: 'TW_PERMISSION_DENIED', what: 'it already exists', hint: 'pick another path' },
  ENOSPC: { code: 'TW_UNAVAILABLE', what: 'no space left on the device', hint: 'free some space and rerun' },
};

/**
 * The error a user can act on for an operating-system refusal (a path that does not exist or may not be written, a
 * port already taken), or undefined for anything else: those are not bugs, and must not be reported as one.
 */
function fromSystemError(e: SystemError): TokenWardenError | undefined {
  if (e.syscall === 'listen' || e.syscall === 'bind' || e.code === 'EADDRINUSE' || e.code === 'EADDRNOTAVAIL') {
    const where = e.address === undefined ? 'the requested address' : `${e.address}${e.port === undefined ? '' : `:${e.port}`}`;
    return new TokenWardenError('TW_UNAVAILABLE', `cannot listen on ${where}: ${e.code}`, {
      hint: e.code === 'EADDRINUSE' ? 'another process holds that port; stop it or pass another --listen' : 'pass another --listen address',
      cause: e,
    });
  }
  const refusal = FILE_REFUSALS[e.code];
  if (refusal === undefined || e.path === undefined) return undefined;
  return new TokenWardenError(refusal.code, `cannot ${e.syscall ?? 'use'} ${e.path}: ${refusal.what}`, { hint: refusal.hint, cause: e });
}

/**
 * Prints an error as `error CODE: message` and `hint: ...` on stderr (or as JSON with --json),
 * never with a stack trace unless TOKENWARDEN_DEBUG is set. An operating-system refusal (a missing directory, a
 * read-only path, a port in use) is reported as such, with the path or address; anything else unexpected is a bug.
 */
export function printError(e: unknown, json: boolean): void {
  const err =
    e instanceof TokenWardenError
      ? e
      : ((isSystemError(e) ? fromSystemError(e) : undefined) ??
        new TokenWardenError('TW_INTERNAL', e instanceof Error ? e.message : String(e), {
          hint: 'this is a bug; rerun with TOKENWARDEN_DEBUG=1 and report it',
          cause: e,
        }));
  if (json) {
    process.stderr.write(`${JSON.stringify({ error: err.toJSON() })}\n`);
  } else {
    process.stderr.write(`error ${err.code}: ${err.message}\n`);
    if (err.hint) process.stderr.write(`hint: ${err.hint}\n`);
  }
  if (process.env.TOKENWARDEN_DEBUG) process.stderr.write(`${(err.cause as Error | undefined)?.stack ?? err.stack}\n`);
}
