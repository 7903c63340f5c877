import { TokenWardenError } from '@tokenwarden/core';

declare module '@tokenwarden/core' {
  interface ErrorCodeRegistry {
    /** A bus, subscription or broadcast was used after `close()`. */
    TW_BUS_CLOSED: true;
    /** A topic, consumer name, channel or event the bus cannot accept. */
    TW_BUS_INVALID: true;
  }
}

const NAME = /^[A-Za-z0-9_-]{1,64}$/;

/**
 * Checks a durable consumer name: it becomes a JetStream durable name, which may not hold
 * `.`, `*`, `>` or whitespace, so both buses accept the same portable set.
 *
 * @example
 * ```ts
 * assertConsumerName('detection'); // ok
 * assertConsumerName('a.b');       // throws TW_BUS_INVALID
 * ```
 */
export function assertConsumerName(name: string): void {
  if (typeof name !== 'string' || !NAME.test(name)) {
    throw new TokenWardenError('TW_BUS_INVALID', `invalid consumer name ${JSON.stringify(name)}`, {
      hint: 'use 1-64 letters, digits, "_" or "-"',
    });
  }
}

/**
 * Returns the idempotency key of an event (its `id`), rejecting anything that is not an object
 * with a non-empty string id: without an id, dedup and at-least-once cannot work.
 *
 * @example
 * ```ts
 * eventIdOf('access', { id: 'evt_01J...' }); // "evt_01J..."
 * ```
 */
export function eventIdOf(topic: string, event: unknown): string {
  const id = typeof event === 'object' && event !== null ? (event as { id?: unknown }).id : undefined;
  if (typeof id !== 'string' || id.length === 0 || id.length > 256) {
    throw new TokenWardenError('TW_BUS_INVALID', `event for topic "${topic}" has no usable id`, {
      hint: 'every event needs a string "id" (1-256 chars); it is the idempotency key',
    });
  }
  return id;
}

/**
 * The error for using a closed bus or broadcast.
 *
 * @example
 * ```ts
 * if (this.closed) throw closedError('event bus');
 * ```
 */
export function closedError(what: string): TokenWardenError {
  return new TokenWardenError('TW_BUS_CLOSED', `${what} is closed`, { hint: 'create a new one; close() is final' });
}
