import { type Logger, type LoggerOptions, pino } from 'pino';

/**
 * Paths pino redacts in every log line. Secrets never reach a log: authorization headers,
 * DPoP proofs, cookies, tokens, keys, passwords and client secrets, at any of the depths our
 * code logs them.
 */
export const REDACT_PATHS: readonly string[] = [
  'authorization',
  'dpop',
  'cookie',
  'password',
  'token',
  'secret',
  'client_secret',
  'access_token',
  'refresh_token',
  'id_token',
  'api_key',
  'key',
  'pepper',
  'headers.authorization',
  'headers.dpop',
  'headers.cookie',
  'headers["set-cookie"]',
  'headers["x-api-key"]',
  'req.headers.authorization',
  'req.headers.dpop',
  'req.headers.cookie',
  'req.headers["x-api-key"]',
  'res.headers["set-cookie"]',
  '*.authorization',
  '*.password',
  '*.token',
  '*.secret',
  '*.client_secret',
  '*.access_token',
  '*.refresh_token',
  '*.api_key',
  '*.pepper',
];

/**
 * Matches raw secrets inside free text (messages, URLs, error messages): credentials after an
 * auth scheme, `tw_` keys (also truncated ones), JWTs (access tokens, DPoP proofs), secret query
 * or form parameters, and passwords in URLs.
 */
const SECRET_IN_TEXT =
  /(\b(?:Bearer|DPoP|Basic|Token)\s+)[A-Za-z0-9._~+/=-]{8,}|\btw_[a-z]_[0-9A-Za-z]{8,}|\beyJ[A-Za-z0-9_-]{4,}\.[A-Za-z0-9_-]{4,}\.[A-Za-z0-9_-]*|([?&;](?:access_token|refresh_token|id_token|token|api_key|apikey|key|client_secret|password|code|code_verifier|signature|sig)=)[^&\s#"']+|(\b[a-z][a-z0-9+.-]*:\/\/[^:/@\s]*:)[^@\s/]+(?=@)/gi;

/** Keys whose values are secrets wherever they appear, in any letter case. */
const SECRET_KEY =
  /^(authorization|proxy-authorization|dpop|cookie|set-cookie|x-api-key|api[-_]?key|password|passwd|secret|client[-_]?secret|token|access[-_]?token|refresh[-_]?token|id[-_]?token|pepper|private[-_]?key|code[-_]?verifier)$/i;

/**
 * Replaces secrets found in free text with `[REDACTED]`.
 *
 * @example
 * ```ts
 * scrubText('GET /x?access_token=abc'); // "GET /x?access_token=[REDACTED]"
 * ```
 */
export function scrubText(text: string): string {
  return text.replace(
    SECRET_IN_TEXT,
    (_m, scheme?: string, param?: string, urlUser?: string) => `${scheme ?? param ?? urlUser ?? ''}[REDACTED]`,
  );
}

/**
 * A copy of a log object with secret-named keys (any depth, any letter case) replaced by
 * `[REDACTED]`, secrets inside strings scrubbed, and errors copied with scrubbed message, stack and cause.
 * Path-based redaction alone misses `Authorization` spelled differently or nested deeper.
 *
 * @example
 * ```ts
 * scrubObject({ request: { headers: { Authorization: 'Bearer abc.def.ghi' } } });
 * // { request: { headers: { Authorization: '[REDACTED]' } } }
 * ```
 */
export function scrubObject(value: unknown, depth = 0, seen: WeakSet<object> = new WeakSet()): unknown {
  if (typeof value === 'string') return scrubText(value);
  if (typeof value !== 'object' || value === null) return value;
  if (seen.has(value)) return '[Circular]';
  if (depth > 8) return '[Truncated]';
  seen.add(value);
  if (value instanceof Error) {
    // Same prototype, so pino's error serializer still sees an Error (type, code, cause chain).
    const copy = Object.create(Object.getPrototypeOf(value) as object) as Error;
    Object.defineProperty(copy, 'message', { value: scrubText(value.message), writable: true, configurable: true });
    if (value.stack) Object.defineProperty(copy, 'stack', { value: scrubText(value.stack), writable: true, configurable: true });
    if (value.cause !== undefined) {
      Object.defineProperty(copy, 'cause', { value: scrubObject(value.cause, depth + 1, seen), writable: true, configurable: true });
    }
    for (const [k, v] of Object.entries(value))
      (copy as unknown as Record<string, unknown>)[k] = SECRET_KEY.test(k) ? '[REDACTED]' : scrubObject(v, depth + 1, seen);
    return copy;
  }
  if (Array.isArray(value)) return value.map((v) => scrubObject(v, depth + 1, seen));
  if (value instanceof Date || ArrayBuffer.isView(value)) return value;
  const out: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(value)) out[k] = SECRET_KEY.test(k) ? '[REDACTED]' : scrubObject(v, depth + 1, seen);
  return out;
}

/**
 * Options for {@link createLogger}.
 *
 * @example
 * ```ts
 * const options: CreateLoggerOptions = { level: 'debug', name: 'bus', destination: process.stderr };
 * ```
 */
export interface CreateLoggerOptions {
  level?: string;
  name?: string;
  /** Where to write; defaults to stderr so stdout stays free for results. */
  destination?: NodeJS.WritableStream;
}

/**
 * A pino logger that redacts secrets by path and scrubs them from messages. Logs go to stderr
 * by default, so CLI results on stdout stay machine-readable.
 *
 * @example
 * ```ts
 * const log = createLogger({ level: 'info', name: 'gateway' });
 * log.info({ req: { headers } }, 'request'); // authorization: "[REDACTED]"
 * ```
 */
export function createLogger(options: CreateLoggerOptions = {}): Logger {
  const opts: LoggerOptions = {
    level: options.level ?? 'info',
    redact: { paths: [...REDACT_PATHS], censor: '[REDACTED]' },
    formatters: {
      log: (object) => scrubObject(object) as Record<string, unknown>,
      bindings: (bindings) => scrubObject(bindings) as Record<string, unknown>,
    },
    hooks: {
      logMethod(args, method) {
        const scrubbed = args.map((a) => (typeof a === 'string' ? scrubText(a) : a)) as typeof args;
        method.apply(this, scrubbed);
      },
    },
  };
  if (options.name !== undefined) opts.name = options.name;
  return pino(opts, (options.destination ?? process.stderr) as pino.DestinationStream);
}

export type { Logger };
