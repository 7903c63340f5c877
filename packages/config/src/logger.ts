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

/** Matches raw secrets inside free text (messages, URLs): bearer values and `tw_` keys. */
const SECRET_IN_TEXT =
  /(\b(?:Bearer|DPoP|Basic)\s+)[A-Za-z0-9._~+/=-]{8,}|\btw_[a-z]_[0-9A-Za-z]{38}\b|([?&](?:access_token|token|api_key|key|client_secret)=)[^&\s]+/gi;

/**
 * Replaces secrets found in free text with `[REDACTED]`.
 *
 * @example
 * ```ts
 * scrubText('GET /x?access_token=abc'); // "GET /x?access_token=[REDACTED]"
 * ```
 */
export function scrubText(text: string): string {
  return text.replace(SECRET_IN_TEXT, (_m, scheme?: string, param?: string) => `${scheme ?? param ?? ''}[REDACTED]`);
}

/** Options for {@link createLogger}. */
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
