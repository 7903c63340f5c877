import { z } from 'zod';

const UNIT_SECONDS = { s: 1, m: 60, h: 3600, d: 86_400 } as const;

/** Whole seconds, or a number and a unit (`90s`, `5m`, `1h`, `30d`); read as seconds. */
const Seconds = z.union([
  z.number().int().positive(),
  z
    .string()
    .regex(/^\d+(s|m|h|d)$/, 'a duration such as 300 (seconds), 5m, 1h or 30d')
    .transform((v) => Number(v.slice(0, -1)) * UNIT_SECONDS[v.slice(-1) as keyof typeof UNIT_SECONDS]),
]);

/**
 * The `token` section of `tokenwarden.yaml`: the token service's lifetimes and policies. Every key
 * is optional (the service's defaults: 5-minute access tokens, refresh families idle 14 days and
 * at most 30, no DPoP nonces, keys at most 365 days); the token service checks the ranges (an
 * access token lives at most 1 hour) with errors that name the key.
 *
 * @example
 * ```ts
 * TokenSection.parse({ access_token_ttl: '10m', dpop_require_nonce: true }); // { access_token_ttl: 600, ... }
 * ```
 */
export const TokenSection = z
  .object({
    /** Access-token lifetime (at most 1 hour). */
    access_token_ttl: Seconds.optional(),
    /** How long a refresh token may go unused before its family ends. */
    refresh_idle_ttl: Seconds.optional(),
    /** How long a refresh-token family lives at most, however often it is used. */
    refresh_absolute_ttl: Seconds.optional(),
    /** Require a server nonce in every DPoP proof (RFC 9449 §8, §9). */
    dpop_require_nonce: z.boolean().optional(),
    /** Longest lifetime `keys create --ttl` accepts. */
    max_key_ttl: Seconds.optional(),
  })
  .strict();

export type TokenSection = z.infer<typeof TokenSection>;
