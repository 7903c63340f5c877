/**
 * The error hierarchy shared by every TokenWarden package.
 *
 * Every error carries a stable, prefixed `code` (like fastify's `FST_ERR_*`) so that callers,
 * logs and the CLI can branch on it, a one-line `message`, and a `hint` that tells a user what
 * to do next. Packages register their own codes by augmenting {@link ErrorCodeRegistry}, which
 * keeps the `code` union typed across the monorepo without a central list to edit.
 *
 * @example
 * ```ts
 * declare module '@tokenwarden/core' {
 *   interface ErrorCodeRegistry {
 *     TW_GATEWAY_UPSTREAM: true;
 *   }
 * }
 * throw new TokenWardenError('TW_GATEWAY_UPSTREAM', 'upstream refused the connection', {
 *   hint: 'check --upstream',
 * });
 * ```
 */

/**
 * Registry of error codes. Augment it (declaration merging) to add codes from another package.
 */
export interface ErrorCodeRegistry {
  TW_INTERNAL: true;
  TW_USAGE: true;
  TW_CONFIG_INVALID: true;
  TW_CONFIG_UNREADABLE: true;
  TW_INPUT_MALFORMED: true;
  TW_INPUT_UNREADABLE: true;
  TW_NOT_FOUND: true;
  TW_CONFLICT: true;
  TW_UNAVAILABLE: true;
  TW_PERMISSION_DENIED: true;
  TW_STORE_LOCKED: true;
  TW_STORE_CORRUPT: true;
  TW_AUDIT_TAMPERED: true;
  TW_TOKEN_FORMAT: true;
  TW_UNAUTHORIZED: true;
  TW_FORBIDDEN: true;
}

/** Every error code known to the monorepo. */
export type ErrorCode = keyof ErrorCodeRegistry;

/** Options accepted by every {@link TokenWardenError}. */
export interface TokenWardenErrorOptions {
  /** What the user should do next, one line. */
  hint?: string;
  /** The underlying error. */
  cause?: unknown;
  /** Structured details safe to log (never a secret). */
  data?: Record<string, unknown>;
}

/**
 * Base class of every error TokenWarden raises on purpose.
 *
 * @example
 * ```ts
 * try { loadConfig(file); } catch (e) {
 *   if (e instanceof TokenWardenError && e.code === 'TW_CONFIG_INVALID') console.error(e.hint);
 * }
 * ```
 */
export class TokenWardenError extends Error {
  readonly code: ErrorCode;
  readonly hint: string | undefined;
  readonly data: Record<string, unknown>;

  constructor(code: ErrorCode, message: string, options: TokenWardenErrorOptions = {}) {
    super(message, options.cause === undefined ? undefined : { cause: options.cause });
    this.name = new.target.name;
    this.code = code;
    this.hint = options.hint;
    this.data = options.data ?? {};
  }

  /** A JSON-safe view for logs and `--json` output. */
  toJSON(): { code: ErrorCode; message: string; hint?: string; data?: Record<string, unknown> } {
    return {
      code: this.code,
      message: this.message,
      ...(this.hint === undefined ? {} : { hint: this.hint }),
      ...(Object.keys(this.data).length === 0 ? {} : { data: this.data }),
    };
  }
}

/**
 * A configuration key holds a value that is not allowed.
 *
 * @example
 * ```ts
 * throw new ConfigError('gateway.listen', 'nope', 'host:port, e.g. 127.0.0.1:8081');
 * ```
 */
export class ConfigError extends TokenWardenError {
  readonly key: string;
  readonly value: unknown;
  readonly allowed: string;

  constructor(key: string, value: unknown, allowed: string, options: TokenWardenErrorOptions = {}) {
    super('TW_CONFIG_INVALID', `invalid config ${key}=${describeValue(value)}: expected ${allowed}`, {
      hint: options.hint ?? `fix "${key}" in the config file, environment or flags`,
      ...options,
      data: { key, allowed, ...options.data },
    });
    this.key = key;
    this.value = value;
    this.allowed = allowed;
  }
}

/** Where in an input a problem was found: a file and line, or a stream offset. */
export interface InputLocation {
  source: string;
  line?: number;
  column?: number;
  offset?: number;
}

/** Formats a location as `file:line[:column]` or `source@offset`. */
export function formatLocation(loc: InputLocation): string {
  if (loc.line !== undefined) return `${loc.source}:${loc.line}${loc.column === undefined ? '' : `:${loc.column}`}`;
  if (loc.offset !== undefined) return `${loc.source}@${loc.offset}`;
  return loc.source;
}

/**
 * Untrusted input (a log line, a JWT, a DPoP proof, a flag) could not be parsed.
 *
 * @example
 * ```ts
 * throw new MalformedInputError({ source: 'trail.json', line: 12 }, 'not JSON: Unexpected token');
 * ```
 */
export class MalformedInputError extends TokenWardenError {
  readonly location: InputLocation;

  constructor(location: InputLocation, reason: string, options: TokenWardenErrorOptions = {}) {
    super('TW_INPUT_MALFORMED', `${formatLocation(location)}: ${reason}`, {
      ...options,
      data: { ...location, ...options.data },
    });
    this.location = location;
  }
}

/**
 * A server the process depends on (PostgreSQL, NATS, Redis, an upstream) cannot be reached.
 *
 * @example
 * ```ts
 * throw new UnavailableError('PostgreSQL', '127.0.0.1:5432', 'start it with pg_ctlcluster ... start');
 * ```
 */
export class UnavailableError extends TokenWardenError {
  readonly service: string;
  readonly address: string;

  constructor(service: string, address: string, hint: string, options: Omit<TokenWardenErrorOptions, 'hint'> = {}) {
    super('TW_UNAVAILABLE', `${service} at ${address} is unreachable`, {
      ...options,
      hint,
      data: { service, address, ...options.data },
    });
    this.service = service;
    this.address = address;
  }
}

/**
 * A server could not start listening on its address (the port is taken, needs privileges, or the
 * address is not on this host).
 *
 * @example
 * ```ts
 * server.once('error', (e) => reject(new ListenError('127.0.0.1:8081', e)));
 * ```
 */
export class ListenError extends TokenWardenError {
  readonly address: string;

  constructor(address: string, cause: NodeJS.ErrnoException) {
    const reason = cause.code ?? cause.message;
    super('TW_UNAVAILABLE', `cannot listen on ${address}: ${reason}`, {
      hint:
        reason === 'EADDRINUSE'
          ? 'another process uses this port; pick another --listen'
          : reason === 'EACCES'
            ? 'ports below 1024 need privileges; pick another --listen'
            : 'check --listen',
      cause,
      data: { address, reason },
    });
    this.address = address;
  }
}

/**
 * A looked-up entity does not exist.
 *
 * @example
 * ```ts
 * throw new NotFoundError('credential', 'cred_01H...');
 * ```
 */
export class NotFoundError extends TokenWardenError {
  readonly entity: string;
  readonly id: string;

  constructor(entity: string, id: string, options: TokenWardenErrorOptions = {}) {
    super('TW_NOT_FOUND', `${entity} ${id} not found`, { ...options, data: { entity, id, ...options.data } });
    this.entity = entity;
    this.id = id;
  }
}

function describeValue(value: unknown): string {
  if (value === undefined) return '(missing)';
  try {
    const text = typeof value === 'string' ? JSON.stringify(value) : JSON.stringify(value);
    return text.length > 80 ? `${text.slice(0, 77)}...` : text;
  } catch {
    return String(value);
  }
}

/** True when `e` is a {@link TokenWardenError} with the given code. */
export function isErrorCode(e: unknown, code: ErrorCode): e is TokenWardenError {
  return e instanceof TokenWardenError && e.code === code;
}
