/**
 * What a {@link ReorderBuffer} with a `key` remembers of one key, handed on with each released item (`key_slot`):
 * the key's last released time, and two fields the consumer of the released items may use to keep its own state
 * for the key, so that one key lookup per event serves the buffer and the consumer (the detection engine keeps the
 * credential's profile there instead of looking the credential up again).
 *
 * @example
 * ```ts
 * const slot = released.key_slot; // { ts, owner, link, ...the enricher's memo }
 * if (slot && slot.owner === myStore) use(slot.link);
 * ```
 */
export interface KeySlot {
  /** The key's last released event time (ms). */
  ts: number;
  /** Whose state `link` is (the consumer checks it is its own before using `link`); undefined until one sets it. */
  owner: unknown;
  /** The consumer's state for the key. */
  link: unknown;
  /**
   * The enricher's memo of the key's last address: whose answer it is (the IP intelligence that gave it), the
   * address, and the answer. A credential comes back from the same address on most events, so a string compare
   * replaces an address parse and a cache lookup. Optional so that slots made elsewhere (tests) need not carry it;
   * the buffer's own slots always have every field, for one object shape.
   */
  ipOwner?: unknown;
  ip?: string | undefined;
  ipAnswer?: unknown;
  /** The address before `ip` and its answer (a client alternating between two: IPv4 and IPv6, a NAT pool). */
  ip2?: string | undefined;
  ipAnswer2?: unknown;
}

/** A slot with every field, so all have one object shape. */
function newSlot(ts: number): KeySlot {
  return {
    ts,
    owner: undefined,
    link: undefined,
    ipOwner: undefined,
    ip: undefined,
    ipAnswer: undefined,
    ip2: undefined,
    ipAnswer2: undefined,
  };
}

/** Anything with an event time in epoch ms. */
export interface Timed {
  ts: number;
  late?: boolean;
  /** Set on release by a buffer with a `key`: that key's {@link KeySlot}. */
  key_slot?: KeySlot;
}

/** Options of {@link ReorderBuffer}. */
export interface ReorderOptions<T extends Timed = Timed> {
  /** How far behind the newest event time an event may arrive and still be put in order (ms). */
  toleranceMs: number;
  /** Most events held at once; beyond it the oldest is released early (bounded memory). */
  capacity?: number;
  /**
   * Ordering key (the credential): an event older than the global release point is only late if
   * its own key already moved past it, so separate files of different periods do not make every
   * credential "late". Without it lateness is judged globally.
   */
  key?: (item: T) => string;
  /** Keys whose last released time is remembered (default 1,000,000; the least recently seen are forgotten first, half the budget at a time). */
  maxKeys?: number;
}

/**
 * Puts events back in event-time order when they arrive up to `toleranceMs` late. Events wait
 * in a min-heap until the newest event time seen moves `toleranceMs` past them. An event older
 * than what was already released is released at once, marked `late`, so nothing is dropped.
 * Equal times keep arrival order.
 *
 * @example
 * ```ts
 * const buf = new ReorderBuffer<{ ts: number }>({ toleranceMs: 60_000 });
 * for (const e of buf.push(event)) engine.process(e);
 * for (const e of buf.drain()) engine.process(e);
 * ```
 */
export class ReorderBuffer<T extends Timed> {
  private readonly heap: { item: T; seq: number }[] = [];
  // In-order input (the usual case: a log file is written in time order) waits in a plain queue instead of the
  // heap: no node per event and no sifting. The first event older than the queue's tail moves the queue into
  // the heap; once the heap empties, the queue takes over again. At any time one of the two is empty.
  private queue: T[] = [];
  private queueHead = 0;
  private seq = 0;
  private newest = Number.NEGATIVE_INFINITY;
  private released = Number.NEGATIVE_INFINITY;
  private lateCount = 0;
  private readonly tolerance: number;
  private readonly capacity: number;
  private readonly key: ((item: T) => string) | undefined;
  private readonly maxKeys: number;
  // Last released time per key, in two generations (a hit in the old one moves to the young one;
  // when the young one fills, the old is forgotten): one Map lookup per event and an in-place
  // update, instead of a delete and re-insert to keep a strict LRU order.
  private youngKeys = new Map<string, KeySlot>();
  private oldKeys = new Map<string, KeySlot>();

  constructor(options: ReorderOptions<T>) {
    this.tolerance = Math.max(0, options.toleranceMs);
    this.capacity = Math.max(1, options.capacity ?? 100_000);
    this.key = options.key;
    this.maxKeys = Math.max(1, options.maxKeys ?? 1_000_000);
  }

  /** Events released so far that arrived beyond the tolerance. */
  get late(): number {
    return this.lateCount;
  }

  /** Events waiting. */
  get size(): number {
    return this.heap.length + this.queue.length - this.queueHead;
  }

  /** Adds one event; returns the events now due, oldest first. */
  push(item: T): T[] {
    if (item.ts < this.released) {
      // Older than everything still waiting, so releasing it now keeps its key in order,
      // unless its own key already went past it.
      const last = this.key ? this.lastReleased(this.key(item)) : this.released;
      if (last !== undefined && item.ts < last) {
        item.late = true;
        this.lateCount++;
      }
      this.noteKey(item);
      return [item];
    }
    if (this.tolerance === 0 && this.size === 0) {
      this.released = item.ts;
      if (item.ts > this.newest) this.newest = item.ts;
      this.noteKey(item);
      return [item];
    }
    if (item.ts > this.newest) this.newest = item.ts;
    this.enqueue(item);
    const due: T[] = [];
    const watermark = this.newest - this.tolerance;
    for (;;) {
      const next = this.peek();
      if (next === undefined || (next.ts > watermark && this.size <= this.capacity)) break;
      due.push(this.pop());
    }
    return due;
  }

  /** Releases everything still waiting (end of input). */
  drain(): T[] {
    const out: T[] = [];
    while (this.size > 0) out.push(this.pop());
    return out;
  }

  private enqueue(item: T): void {
    const q = this.queue;
    if (this.heap.length === 0) {
      const tail = q.length > this.queueHead ? q[q.length - 1] : undefined;
      if (tail === undefined || item.ts >= tail.ts) {
        q.push(item);
        return;
      }
      // Out of order: the queue (already sorted, in arrival order for ties) moves into the heap.
      for (let i = this.queueHead; i < q.length; i++) this.insert({ item: q[i] as T, seq: this.seq++ });
      this.queue = [];
      this.queueHead = 0;
    }
    this.insert({ item, seq: this.seq++ });
  }

  /** The next event due, without removing it. */
  private peek(): T | undefined {
    if (this.heap.length > 0) return (this.heap[0] as { item: T }).item;
    return this.queueHead < this.queue.length ? this.queue[this.queueHead] : undefined;
  }

  private less(a: { item: T; seq: number }, b: { item: T; seq: number }): boolean {
    return a.item.ts < b.item.ts || (a.item.ts === b.item.ts && a.seq < b.seq);
  }

  private insert(node: { item: T; seq: number }): void {
    const h = this.heap;
    h.push(node);
    let i = h.length - 1;
    while (i > 0) {
      const parent = (i - 1) >> 1;
      if (!this.less(node, h[parent] as { item: T; seq: number })) break;
      h[i] = h[parent] as { item: T; seq: number };
      i = parent;
    }
    h[i] = node;
  }

  private pop(): T {
    if (this.heap.length === 0) {
      const q = this.queue;
      const item = q[this.queueHead] as T;
      // Let go of the released event at once: a slot kept until the next trim kept up to 4,096 released events
      // alive across young-generation collections, which then copied and promoted them (most of the pipeline's
      // garbage-collection time).
      q[this.queueHead++] = undefined as unknown as T;
      // Drop the released prefix (at once when all is released, else now and then) so released events can be collected.
      if (this.queueHead === this.queue.length) {
        this.queue.length = 0;
        this.queueHead = 0;
      } else if (this.queueHead >= 4096 && this.queueHead * 2 >= this.queue.length) {
        this.queue = this.queue.slice(this.queueHead);
        this.queueHead = 0;
      }
      if (item.ts > this.released) this.released = item.ts;
      this.noteKey(item);
      return item;
    }
    const h = this.heap;
    const top = h[0] as { item: T; seq: number };
    const last = h.pop() as { item: T; seq: number };
    if (h.length > 0) {
      let i = 0;
      for (;;) {
        const l = 2 * i + 1;
        if (l >= h.length) break;
        const r = l + 1;
        const child = r < h.length && this.less(h[r] as { item: T; seq: number }, h[l] as { item: T; seq: number }) ? r : l;
        if (!this.less(h[child] as { item: T; seq: number }, last)) break;
        h[i] = h[child] as { item: T; seq: number };
        i = child;
      }
      h[i] = last;
    }
    if (top.item.ts > this.released) this.released = top.item.ts;
    this.noteKey(top.item);
    return top.item;
  }

  private lastReleased(key: string): number | undefined {
    return (this.youngKeys.get(key) ?? this.oldKeys.get(key))?.ts;
  }

  private noteKey(item: T): void {
    if (!this.key) return;
    const k = this.key(item);
    let entry = this.youngKeys.get(k);
    if (entry === undefined) {
      entry = this.oldKeys.get(k);
      if (entry === undefined) entry = newSlot(item.ts);
      else this.oldKeys.delete(k);
      // Each generation holds half the budget: at most maxKeys keys are remembered (2 if it is 1).
      if (this.youngKeys.size >= Math.max(1, this.maxKeys >> 1)) {
        this.oldKeys = this.youngKeys;
        this.youngKeys = new Map();
      }
      this.youngKeys.set(k, entry);
    }
    if (item.ts > entry.ts) entry.ts = item.ts;
    item.key_slot = entry;
  }
}
