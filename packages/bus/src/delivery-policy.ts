import type { DeadLetter, DeliveryOptions } from './types.js';

/** {@link DeliveryOptions} with every default filled in. */
export interface DeliveryPolicy {
  maxDeliver: number;
  backoffMs: readonly number[];
  dedupSize: number;
  deadLetterLimit: number;
}

/**
 * Fills in delivery defaults and rejects nonsense (a max-deliver below 1 would drop events unseen).
 *
 * @example
 * ```ts
 * resolveDeliveryPolicy({ maxDeliver: 3 }).backoffMs; // [200, 1000, 5000, 15000]
 * ```
 */
export function resolveDeliveryPolicy(options: DeliveryOptions = {}): DeliveryPolicy {
  const maxDeliver = options.maxDeliver ?? 5;
  if (!Number.isInteger(maxDeliver) || maxDeliver < 1) throw new RangeError(`maxDeliver must be an integer >= 1, got ${maxDeliver}`);
  const backoffMs = options.backoffMs ?? [200, 1000, 5000, 15_000];
  if (backoffMs.length === 0 || backoffMs.some((ms) => !Number.isFinite(ms) || ms < 0)) {
    throw new RangeError('backoffMs must be a non-empty list of delays >= 0');
  }
  return {
    maxDeliver,
    backoffMs,
    dedupSize: Math.max(1, options.dedupSize ?? 100_000),
    deadLetterLimit: Math.max(1, options.deadLetterLimit ?? 1000),
  };
}

/**
 * Delay before redelivering an event that failed `deliveries` times.
 *
 * @example
 * ```ts
 * redeliveryDelay(policy, 1); // 200
 * ```
 */
export function redeliveryDelay(policy: DeliveryPolicy, deliveries: number): number {
  const i = Math.min(Math.max(deliveries, 1), policy.backoffMs.length) - 1;
  return policy.backoffMs[i] as number;
}

/**
 * A bounded list of dead letters, oldest dropped first, so a poison stream cannot exhaust memory.
 *
 * @example
 * ```ts
 * const dl = new DeadLetterList(1000);
 * dl.add({ topic: 'access', consumer: 'detection', eventId: 'e1', seq: 7, deliveries: 5, error: 'boom', time });
 * ```
 */
export class DeadLetterList {
  readonly #limit: number;
  readonly #items: DeadLetter[] = [];

  constructor(limit: number) {
    this.#limit = limit;
  }

  add(letter: DeadLetter): void {
    this.#items.push(letter);
    if (this.#items.length > this.#limit) this.#items.splice(0, this.#items.length - this.#limit);
  }

  list(): readonly DeadLetter[] {
    return [...this.#items];
  }
}

/**
 * One-line text of a handler failure, for logs and dead letters.
 *
 * @example
 * ```ts
 * errorText(new Error('db down')); // "db down"
 * ```
 */
export function errorText(e: unknown): string {
  const text = e instanceof Error ? e.message : String(e);
  return text.split('\n')[0]?.slice(0, 300) ?? '';
}
