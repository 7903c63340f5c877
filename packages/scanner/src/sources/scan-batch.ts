import type { CompiledRules } from '../engine/compile.js';
import type { FindingDetails, RawFinding } from '../types.js';
import { type ContentResult, scanContent } from './scan-content.js';
import {
  DEFAULT_LIMITS,
  type FileScanLimits,
  type FileTask,
  readBuffer,
  readIntoBuffer,
  scanFile,
  unreadable,
  withStorageReasons,
} from './scan-file.js';

// Node makes a Latin-1 string longer than this (its EXTERN_APEX) an external string: malloc'ed
// memory the allocator reuses. A shorter one over V8's 128 KB object limit goes to its large-object
// space, fresh pages per string: ~1-1.5 GB/s here, against ~10 GB/s for one external string per
// batch and slices of it. The slices are the files' exact texts.
const EXTERNAL_STRING_CHARS = 0xfbee9 + 1;
// V8 keeps strings up to its regular-object limit (128 KB, less the header) in the young
// generation, whose pages are reused from one collection to the next: a file that small gets its
// own string, at ~5-15 GB/s here. The shared external string is fresh malloc'ed memory, and on
// this VM a fresh page costs a page fault (one per ~16 KB of batch text measured, and two threads
// fault under one process lock): it is made of the larger files only.
const YOUNG_STRING_CHARS = (128 << 10) - 64;

// glibc serves a request over its mmap threshold (128 KB at start) with fresh pages, and raises
// the threshold to the size of any such block freed (up to 32 MB), the trim threshold to twice
// that. The shared strings (1-2 MB each, freed by the garbage collector in bursts) kept meeting
// fresh pages: ~12 us per page fault on this VM, ~1 GB/s for the string copies against ~5-8 GB/s
// with the threshold raised (measured). One untouched 30 MB buffer, dropped at once, raises it
// when the next collection frees it: its pages are never written, so it costs no fault. Other C
// libraries ignore it; the results are the same either way.
const ALLOCATOR_PRIMER_BYTES = 30 << 20;
let allocatorPrimed = false;

function primeAllocator(): void {
  if (allocatorPrimed) return;
  allocatorPrimed = true;
  Buffer.allocUnsafeSlow(ALLOCATOR_PRIMER_BYTES);
}

// A copy that shares nothing with the batch string, so a finding kept for the report does not
// keep the whole batch's text alive.
function detached(s: string): string {
  return Array.from(s).join('');
}

function detach(f: RawFinding): RawFinding {
  let details: FindingDetails | undefined;
  if (f.details) {
    details = {};
    for (const [k, v] of Object.entries(f.details)) details[k] = typeof v === 'string' ? detached(v) : v;
  }
  return { ...f, secret: detached(f.secret), ...(details ? { details } : {}) };
}

/**
 * Scans a batch of files as {@link scanFile} scans each (same results, in order): the files read
 * whole go one after another into the thread's read buffer, and those of pure-ASCII text are
 * scanned as slices of one Latin-1 string made for the whole batch. Larger files are streamed
 * one by one afterwards.
 *
 * @example
 * ```ts
 * const results = await scanFileBatch(tasks, compiled, DEFAULT_LIMITS);
 * ```
 */
export async function scanFileBatch(
  tasks: readonly FileTask[],
  compiled: CompiledRules,
  limits: FileScanLimits = DEFAULT_LIMITS,
): Promise<ContentResult[]> {
  const results: (ContentResult | undefined)[] = new Array(tasks.length);
  const spans: ([number, number] | undefined)[] = new Array(tasks.length);
  let used = 0;
  // The larger files first, one after another, so the shared string covers them and only them;
  // the small ones after. Results keep the tasks' order.
  for (const small of [false, true]) {
    for (let i = 0; i < tasks.length; i++) {
      const task = tasks[i] as FileTask;
      if (task.size > limits.chunkBytes || task.size <= YOUNG_STRING_CHARS !== small) continue;
      try {
        const end = readIntoBuffer(task.path, task.size, used);
        spans[i] = [used, end];
        used = end;
      } catch (e) {
        results[i] = unreadable(task, e);
      }
    }
  }
  // No await from the reads to the end of this loop: another batch in this thread (a dead
  // worker's files) must not reuse the read buffer in between.
  const buffer = readBuffer();
  // The end of the larger files' bytes (a file may have grown or shrunk since the walk: its
  // span, not its size, decides). When they are too few for an external string, the whole batch
  // shares one, as a large file's own string would go to V8's large-object space (slower still).
  let sharedEnd = 0;
  for (const span of spans) if (span !== undefined && span[1] - span[0] > YOUNG_STRING_CHARS) sharedEnd = Math.max(sharedEnd, span[1]);
  const sharesAll = sharedEnd < EXTERNAL_STRING_CHARS && used >= EXTERNAL_STRING_CHARS;
  if (sharesAll) sharedEnd = used;
  if (sharedEnd >= EXTERNAL_STRING_CHARS) primeAllocator();
  let whole: string | undefined;
  for (let i = 0; i < tasks.length; i++) {
    const task = tasks[i] as FileTask;
    const span = spans[i];
    if (span === undefined) continue;
    const [from, to] = span;
    const shared = sharedEnd >= EXTERNAL_STRING_CHARS && to <= sharedEnd && (sharesAll || to - from > YOUNG_STRING_CHARS);
    const latin1 = shared
      ? () => {
          whole ??= buffer.toString('latin1', 0, sharedEnd);
          return whole.slice(from, to);
        }
      : undefined;
    try {
      const result = scanContent(
        buffer.subarray(from, to),
        task.display,
        compiled,
        { archiveDepth: 0, maxEntryBytes: limits.maxArchiveBytes },
        latin1,
      );
      if (shared && result.findings.length > 0) result.findings = result.findings.map(detach);
      results[i] = withStorageReasons(task, result);
    } catch (e) {
      results[i] = unreadable(task, e);
    }
  }
  for (let i = 0; i < tasks.length; i++) {
    if (results[i] === undefined) results[i] = await scanFile(tasks[i] as FileTask, compiled, limits);
  }
  return results as ContentResult[];
}
