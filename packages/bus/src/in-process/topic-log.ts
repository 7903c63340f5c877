/** One stored event of the in-process bus. */
export interface LogEntry<E> {
  seq: number;
  id: string;
  event: E;
}

/**
 * The retained events of one topic, numbered from 1, oldest evicted first once `capacity` is
 * reached. A Map keyed by sequence keeps append, lookup and eviction O(1).
 *
 * @example
 * ```ts
 * const log = new TopicLog<AccessEvent>(100_000);
 * const seq = log.append('evt_1', event); // 1
 * log.get(seq)?.event;
 * ```
 */
export class TopicLog<E> {
  readonly capacity: number;
  readonly #entries = new Map<number, LogEntry<E>>();
  #firstSeq = 1;
  #nextSeq = 1;

  constructor(capacity: number) {
    if (!Number.isInteger(capacity) || capacity < 1) throw new RangeError(`capacity must be an integer >= 1, got ${capacity}`);
    this.capacity = capacity;
  }

  /** Sequence of the oldest retained event (equals `nextSeq` when empty). */
  get firstSeq(): number {
    return this.#firstSeq;
  }

  /** Sequence the next appended event gets. */
  get nextSeq(): number {
    return this.#nextSeq;
  }

  get size(): number {
    return this.#entries.size;
  }

  get full(): boolean {
    return this.#entries.size >= this.capacity;
  }

  append(id: string, event: E): number {
    const seq = this.#nextSeq++;
    this.#entries.set(seq, { seq, id, event });
    return seq;
  }

  get(seq: number): LogEntry<E> | undefined {
    return this.#entries.get(seq);
  }

  /** Drops the oldest event; returns it. */
  evictOldest(): LogEntry<E> | undefined {
    const entry = this.#entries.get(this.#firstSeq);
    if (entry === undefined) return undefined;
    this.#entries.delete(this.#firstSeq);
    this.#firstSeq++;
    return entry;
  }
}
