import { TokenWardenError } from '../errors.js';
import { encodeBase62, randomBase62 } from './base62.js';
import { crc32 } from './crc32.js';

/**
 * The kinds of TokenWarden-issued secrets that carry the scanner-friendly `tw_` format.
 * The letter sits right after the prefix: `tw_<letter>_...`.
 */
export const TW_TOKEN_KINDS = {
  k: 'api_key',
  s: 'service_account_token',
  r: 'refresh_token',
  c: 'client_secret',
} as const;

/** A `tw_` type letter. */
export type TwTokenLetter = keyof typeof TW_TOKEN_KINDS;
/** A `tw_` token kind. */
export type TwTokenKind = (typeof TW_TOKEN_KINDS)[TwTokenLetter];

/** Number of random base62 characters in a `tw_` token (about 190 bits of entropy). */
export const TW_RANDOM_LENGTH = 32;
/** Number of base62 characters of the CRC32 checksum. */
export const TW_CHECKSUM_LENGTH = 6;

/**
 * One regular expression that finds `tw_` tokens in text. Checksum validity is checked separately
 * by {@link parseTwToken}, so a match is only a candidate.
 */
export const TW_TOKEN_PATTERN = /\btw_([ksrc])_([0-9A-Za-z]{32})([0-9A-Za-z]{6})\b/g;

/** A syntactically valid, checksum-valid `tw_` token. */
export interface ParsedTwToken {
  letter: TwTokenLetter;
  kind: TwTokenKind;
  random: string;
  checksum: string;
}

/**
 * Computes the 6-character base62 checksum of a token's random part.
 *
 * @example
 * ```ts
 * twChecksum('0'.repeat(32)).length; // 6
 * ```
 */
export function twChecksum(random: string): string {
  return encodeBase62(crc32(random), TW_CHECKSUM_LENGTH);
}

/**
 * Mints a new `tw_` secret of the given kind: `tw_<letter>_<32 random base62><6 base62 CRC32>`.
 *
 * @example
 * ```ts
 * const key = generateTwToken('k'); // "tw_k_9fQ...Xy12ab"
 * ```
 */
export function generateTwToken(letter: TwTokenLetter): string {
  const random = randomBase62(TW_RANDOM_LENGTH);
  return `tw_${letter}_${random}${twChecksum(random)}`;
}

/**
 * Parses and checksum-validates a `tw_` token offline, without any lookup.
 * Returns `undefined` for anything that is not a well-formed token with a correct checksum,
 * so typos and fakes are rejected before they cost a database read.
 *
 * @example
 * ```ts
 * parseTwToken(generateTwToken('k'))?.kind; // "api_key"
 * parseTwToken('tw_k_nope'); // undefined
 * ```
 */
export function parseTwToken(value: string): ParsedTwToken | undefined {
  if (value.length !== 5 + TW_RANDOM_LENGTH + TW_CHECKSUM_LENGTH) return undefined;
  const m = /^tw_([ksrc])_([0-9A-Za-z]{32})([0-9A-Za-z]{6})$/.exec(value);
  if (!m) return undefined;
  const letter = m[1] as TwTokenLetter;
  const random = m[2] as string;
  const checksum = m[3] as string;
  if (twChecksum(random) !== checksum) return undefined;
  return { letter, kind: TW_TOKEN_KINDS[letter], random, checksum };
}

/**
 * Like {@link parseTwToken} but throws a `TW_TOKEN_FORMAT` error that never echoes the value.
 *
 * @example
 * ```ts
 * assertTwToken(input).kind;
 * ```
 */
export function assertTwToken(value: string): ParsedTwToken {
  const parsed = parseTwToken(value);
  if (!parsed) {
    throw new TokenWardenError('TW_TOKEN_FORMAT', 'not a valid TokenWarden token (format or checksum)', {
      hint: 'tokens look like tw_k_ followed by 38 letters and digits',
    });
  }
  return parsed;
}
