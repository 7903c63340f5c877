/** A source's events, a batch at a time (one batch per chunk of text read), in the source's own order. */
export type EventBatches<T> = AsyncIterator<T[]>;

/** What {@link mergeSourcesByTime} needs to know about one input. */
export interface MergeInput<T> {
  /** Event time (epoch ms) of the input's first event: `-Infinity` opens it first, `Infinity` last. */
  firstTs: number;
  /** Opens the input; called at most once, when the merge reaches its first event time. */
  open: () => Promise<EventBatches<T>>;
}

/** Options of {@link mergeSourcesByTime}. */
export interface MergeOptions {
  /** Most inputs open at once (file descriptors, one batch each); beyond it an input waits until one ends. Default 256. */
  maxOpen?: number;
}

interface Cursor<T> {
  it: EventBatches<T>;
  batch: T[];
  at: number;
  /** Arrival order, so equal times keep the order of the inputs. */
  seq: number;
}

/**
 * Merges many inputs into one stream in event-time order, opening each input only when the merge reaches the
 * time of its first event, so a directory of thousands of small files (an S3 export of CloudTrail, one folder per
 * region and day) holds only the few files whose times overlap. Each input is expected to be roughly in time
 * order itself; disorder within one input is left to the reorder buffer downstream. Without it, files read one
 * after another (all of `us-east-1`, then all of `eu-west-1`) hand the engine weeks of one region after weeks of
 * another: every credential's clock goes backwards and travel, concurrency and chain windows are nonsense.
 *
 * `emit` receives runs of events from one input, oldest first; it may return a promise to wait (backpressure).
 *
 * @example
 * ```ts
 * await mergeSourcesByTime([{ firstTs: 10, open: async () => batches(a) }, { firstTs: 5, open: async () => batches(b) }], (ts) => ts.ts, (run) => push(run));
 * ```
 */
export async function mergeSourcesByTime<T>(
  inputs: readonly MergeInput<T>[],
  timeOf: (item: T) => number,
  emit: (run: T[]) => void | Promise<void>,
  options: MergeOptions = {},
): Promise<void> {
  const maxOpen = Math.max(1, options.maxOpen ?? 256);
  const order = inputs.map((_, i) => i).sort((a, b) => inputs[a]!.firstTs - inputs[b]!.firstTs || a - b);
  // The inputs open at once are few (the files whose periods overlap the merge's time: a region or two of an
  // export), so the earliest is found by a scan rather than kept in a heap.
  const open: Cursor<T>[] = [];
  let next = 0;
  let seq = 0;
  const head = (c: Cursor<T>) => timeOf(c.batch[c.at] as T);
  /** Index of the open input with the earliest head (ties: the one opened first), and the runner-up's head. */
  const earliest = (): { at: number; second: number } => {
    let at = 0;
    let best = head(open[0] as Cursor<T>);
    let second = Number.POSITIVE_INFINITY;
    for (let i = 1; i < open.length; i++) {
      const h = head(open[i] as Cursor<T>);
      if (h < best || (h === best && (open[i] as Cursor<T>).seq < (open[at] as Cursor<T>).seq)) {
        second = best;
        best = h;
        at = i;
      } else if (h < second) second = h;
    }
    return { at, second };
  };
  // Moves a cursor to its next non-empty batch; false when the input is done.
  const refill = async (c: Cursor<T>): Promise<boolean> => {
    for (;;) {
      const r = await c.it.next();
      if (r.done) return false;
      if (r.value.length > 0) {
        c.batch = r.value;
        c.at = 0;
        return true;
      }
    }
  };

  for (;;) {
    while (
      next < order.length &&
      open.length < maxOpen &&
      (open.length === 0 || inputs[order[next] as number]!.firstTs <= head(open[earliest().at] as Cursor<T>))
    ) {
      const c: Cursor<T> = { it: await inputs[order[next] as number]!.open(), batch: [], at: 0, seq: seq++ };
      next++;
      if (await refill(c)) open.push(c);
    }
    if (open.length === 0) {
      if (next >= order.length) return;
      continue;
    }
    const { at, second } = earliest();
    const c = open[at] as Cursor<T>;
    // A run from this input up to the next input's head (or the next input to open): one emit per run, not per event.
    const nextOpen = next < order.length && open.length < maxOpen ? inputs[order[next] as number]!.firstTs : Number.POSITIVE_INFINITY;
    const limit = Math.min(second, nextOpen);
    const start = c.at;
    do c.at++;
    while (c.at < c.batch.length && timeOf(c.batch[c.at] as T) < limit);
    const pending = emit(start === 0 && c.at === c.batch.length ? c.batch : c.batch.slice(start, c.at));
    if (pending) await pending;
    if (c.at >= c.batch.length && !(await refill(c))) open.splice(at, 1);
  }
}
