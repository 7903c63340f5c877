import { TokenWardenError } from '@tokenwarden/core';

const CHANNEL = /^[A-Za-z0-9_-]+(\.[A-Za-z0-9_-]+)*$/;

/**
 * Checks a channel name: dot-separated tokens of letters, digits, `_` and `-`, valid as a NATS
 * subject (no wildcards) and a Redis channel, so a channel means the same on every transport.
 *
 * @example
 * ```ts
 * assertChannel('revocations'); // ok
 * assertChannel('a.*');         // throws TW_BUS_INVALID
 * ```
 */
export function assertChannel(channel: string): void {
  if (typeof channel !== 'string' || channel.length > 200 || !CHANNEL.test(channel)) {
    throw new TokenWardenError('TW_BUS_INVALID', `invalid broadcast channel ${JSON.stringify(channel)}`, {
      hint: 'use dot-separated letters, digits, "_" or "-" (no wildcards), at most 200 characters',
    });
  }
}

/**
 * Serialises a payload, rejecting what is not a JSON object (it would reach subscribers differently per transport).
 *
 * @example
 * ```ts
 * encodePayload({ jti: 'x' }); // '{"jti":"x"}'
 * ```
 */
export function encodePayload(payload: object): string {
  if (typeof payload !== 'object' || payload === null || Array.isArray(payload)) {
    throw new TokenWardenError('TW_BUS_INVALID', 'broadcast payload must be a JSON object', { hint: 'wrap values in an object' });
  }
  try {
    return JSON.stringify(payload);
  } catch (cause) {
    throw new TokenWardenError('TW_BUS_INVALID', `broadcast payload is not serialisable: ${(cause as Error).message}`, {
      hint: 'send plain data (no cycles, no BigInt)',
      cause,
    });
  }
}

/**
 * Parses a received message; undefined when it is not a JSON object (a foreign or corrupt publisher).
 *
 * @example
 * ```ts
 * decodePayload('{"jti":"x"}'); // { jti: 'x' }
 * decodePayload('nope');        // undefined
 * ```
 */
export function decodePayload(text: string): Record<string, unknown> | undefined {
  try {
    const value: unknown = JSON.parse(text);
    return typeof value === 'object' && value !== null && !Array.isArray(value) ? (value as Record<string, unknown>) : undefined;
  } catch {
    return undefined;
  }
}
