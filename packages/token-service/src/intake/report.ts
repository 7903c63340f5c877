import { TokenWardenError } from '@tokenwarden/core';

/**
 * One entry of a secret-scanning report (GitHub partner format).
 *
 * @example
 * ```ts
 * const item: ReportedToken = { token, type: 'tokenwarden_api_key', url: 'https://github.com/o/r/blob/…', source: 'commit' };
 * ```
 */
export interface ReportedToken {
  token: string;
  /** The sender's name for the secret type, e.g. `tokenwarden_api_key`. */
  type: string;
  /** Public URL where the token was found. */
  url: string;
  /** Where it was found: `content`, `commit`, `pull_request`, `issue`, `discussion`, `wiki`, `gist`, `npm`, ... */
  source: string;
}

const MAX_TOKEN_LENGTH = 8192;
const MAX_FIELD_LENGTH = 2048;

function malformed(message: string, hint = 'send a JSON array of {"token", "type", "url", "source"} objects'): TokenWardenError {
  return new TokenWardenError('TW_INTAKE_MALFORMED', message, { hint });
}

/**
 * Parses and validates a report body. Rejects, naming what is wrong and at which array index:
 * invalid UTF-8 or JSON (with the byte position, never a snippet of the body, which holds
 * secrets), a non-array, an empty array, too many items, and items whose `token`, `type` or `url`
 * is not a non-empty string. `source` is optional (older senders omit it) and defaults to
 * `unknown`.
 *
 * @example
 * ```ts
 * const items = parseReport(Buffer.from('[{"token":"tw_k_…","type":"tokenwarden_api_key","url":"https://…","source":"content"}]'), 1000);
 * ```
 */
export function parseReport(body: Buffer, maxItems: number): ReportedToken[] {
  let text: string;
  try {
    text = new TextDecoder('utf-8', { fatal: true }).decode(body);
  } catch {
    throw malformed('the body is not valid UTF-8');
  }
  let parsed: unknown;
  try {
    parsed = JSON.parse(text);
  } catch (e) {
    // V8's message quotes the text around the error, which may be a token: report the position only.
    const position = /position (\d+)/.exec(e instanceof Error ? e.message : '')?.[1];
    throw malformed(position === undefined ? 'the body is not valid JSON' : `the body is not valid JSON (error at character ${position})`);
  }
  if (!Array.isArray(parsed)) throw malformed(`the body must be a JSON array, got ${describe(parsed)}`);
  if (parsed.length === 0) throw malformed('the body is an empty array');
  if (parsed.length > maxItems)
    throw malformed(`the body has ${parsed.length} items, more than the ${maxItems} accepted`, 'split the report');
  return parsed.map((item, index) => parseItem(item, index));
}

function parseItem(item: unknown, index: number): ReportedToken {
  if (item === null || typeof item !== 'object' || Array.isArray(item)) {
    throw malformed(`item [${index}] must be an object, got ${describe(item)}`);
  }
  const o = item as Record<string, unknown>;
  const token = requireString(o, 'token', index, MAX_TOKEN_LENGTH);
  const type = requireString(o, 'type', index, MAX_FIELD_LENGTH);
  const url = requireString(o, 'url', index, MAX_FIELD_LENGTH);
  let source = 'unknown';
  if (o.source !== undefined && o.source !== null) source = requireString(o, 'source', index, MAX_FIELD_LENGTH);
  return { token, type, url: url.trim(), source };
}

function requireString(o: Record<string, unknown>, field: string, index: number, max: number): string {
  const value = o[field];
  if (value === undefined) throw malformed(`item [${index}] has no "${field}"`);
  if (typeof value !== 'string') throw malformed(`item [${index}] "${field}" must be a string, got ${describe(value)}`);
  if (value.trim().length === 0) throw malformed(`item [${index}] "${field}" is empty`);
  if (value.length > max) throw malformed(`item [${index}] "${field}" is longer than ${max} characters`);
  return value;
}

function describe(value: unknown): string {
  if (value === null) return 'null';
  if (Array.isArray(value)) return 'an array';
  return typeof value === 'object' ? 'an object' : `a ${typeof value}`;
}
