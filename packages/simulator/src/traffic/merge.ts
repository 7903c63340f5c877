import type { SimEvent } from '../model/sim-event.js';

interface Head {
  ev: SimEvent;
  it: Iterator<SimEvent>;
  order: number;
}

function before(a: Head, b: Head): boolean {
  return a.ev.time < b.ev.time || (a.ev.time === b.ev.time && a.order < b.order);
}

/**
 * Merges time-ordered streams into one time-ordered stream with a binary heap, holding only one
 * pending event per stream, so a million-event run needs no more memory than a small one. Ties
 * go to the earlier stream, which keeps the output deterministic.
 *
 * @example
 * ```ts
 * for (const ev of mergeByTime([userA, userB, service])) write(ev);
 * ```
 */
export function* mergeByTime(streams: Iterable<SimEvent>[]): Generator<SimEvent> {
  const heap: Head[] = [];
  const push = (h: Head): void => {
    heap.push(h);
    let i = heap.length - 1;
    while (i > 0) {
      const parent = (i - 1) >> 1;
      if (!before(heap[i] as Head, heap[parent] as Head)) break;
      [heap[i], heap[parent]] = [heap[parent] as Head, heap[i] as Head];
      i = parent;
    }
  };
  const popTop = (): void => {
    const last = heap.pop() as Head;
    if (heap.length === 0) return;
    heap[0] = last;
    let i = 0;
    for (;;) {
      const l = 2 * i + 1;
      const r = l + 1;
      let m = i;
      if (l < heap.length && before(heap[l] as Head, heap[m] as Head)) m = l;
      if (r < heap.length && before(heap[r] as Head, heap[m] as Head)) m = r;
      if (m === i) break;
      [heap[i], heap[m]] = [heap[m] as Head, heap[i] as Head];
      i = m;
    }
  };
  streams.forEach((s, order) => {
    const it = s[Symbol.iterator]();
    const n = it.next();
    if (!n.done) push({ ev: n.value, it, order });
  });
  while (heap.length > 0) {
    const top = heap[0] as Head;
    yield top.ev;
    const n = top.it.next();
    if (n.done) popTop();
    else {
      popTop();
      push({ ev: n.value, it: top.it, order: top.order });
    }
  }
}
