import { Worker } from 'node:worker_threads';
import type { Prefilter } from './engine/prefilter.js';
import type { ContentResult } from './sources/scan-content.js';
import type { FileScanLimits, FileTask } from './sources/scan-file.js';

/** Options of {@link FileWorkerPool}. */
export interface PoolOptions {
  size: number;
  customRules: unknown;
  limits: FileScanLimits;
  ruleTimeBudgetMs: number;
  /**
   * The prefilter this thread built for the same rules (built-in, then `customRules`): copied to
   * each worker, which then skips building its own (~15 ms of a worker's ~85 ms start-up here).
   */
  prefilter?: Prefilter;
}

// Built, the worker is plain JavaScript. From source (tests, TOKENWARDEN_FROM_SOURCE) it is
// TypeScript: the worker first registers tsx's loader (the parent's `--import tsx` does not reach
// worker threads on Node 20), then imports the .ts entry.
function startWorker(workerData: unknown): Worker {
  if (!import.meta.url.endsWith('.ts')) {
    // Workers inherit the parent's flags: a `--import tsx` (a bench or test importing the built
    // package) put every module load of each worker through tsx's hooks thread, which cost more
    // CPU than the scan itself. The built worker is plain JavaScript and needs no loader.
    return new Worker(new URL('./scan-worker.js', import.meta.url), { workerData, execArgv: withoutLoaders(process.execArgv) });
  }
  const entry = JSON.stringify(new URL('./scan-worker.ts', import.meta.url).href);
  const boot = `import('tsx/esm/api').then((m) => { m.register(); return import(${entry}); }).catch((e) => { throw e; });`;
  return new Worker(boot, { eval: true, workerData });
}

// Flags that take a value (separately or after `=`) and concern module loading or the entry
// point: a parent run as `node --input-type=module -e '...'` must not start its workers so.
const LOADER_FLAGS = new Set([
  '--import',
  '--loader',
  '--experimental-loader',
  '--require',
  '-r',
  '--conditions',
  '-C',
  '--input-type',
  '--eval',
  '-e',
  '--print',
  '-p',
]);

/**
 * `execArgv` for the built (plain JavaScript) worker: without module loader, preload and export
 * condition flags (`--import tsx`, `--loader=x`, `-r x`, `--conditions=source`), which would
 * either route every module load through a TypeScript loader or resolve the worker's own
 * imports to TypeScript sources it cannot run, and without the parent's entry-point flags
 * (`-e CODE`, `--input-type=module`), with which a worker fails to start.
 *
 * @example
 * ```ts
 * withoutLoaders(['--import', 'tsx', '--max-old-space-size=512']); // ['--max-old-space-size=512']
 * ```
 */
export function withoutLoaders(execArgv: readonly string[]): string[] {
  const out: string[] = [];
  for (let i = 0; i < execArgv.length; i++) {
    const arg = execArgv[i] as string;
    if (LOADER_FLAGS.has(arg)) i++;
    else if (!LOADER_FLAGS.has(arg.split('=')[0] as string)) out.push(arg);
  }
  return out;
}

/**
 * A fixed pool of worker threads scanning files in parallel. Files go in batches, one message
 * each way per batch: a message per file cost the workers ~5-8% of their time in postMessage on
 * the bench tree. Each worker keeps a couple of batches queued so it never waits for the next.
 * Results come back in completion order.
 *
 * @example
 * ```ts
 * const pool = new FileWorkerPool({ size: 2, customRules: [], limits: DEFAULT_LIMITS, ruleTimeBudgetMs: 250 });
 * const [result] = await pool.scanBatch([task]);
 * await pool.close();
 * ```
 */
export class FileWorkerPool {
  private readonly workers: { worker: Worker; inFlight: number; alive: boolean }[] = [];
  private readonly pending = new Map<number, { resolve: (r: ContentResult[]) => void; reject: (e: Error) => void; slot: number }>();
  private nextId = 0;

  constructor(opts: PoolOptions) {
    for (let i = 0; i < opts.size; i++) {
      const worker = startWorker({
        customRules: opts.customRules,
        limits: opts.limits,
        ruleTimeBudgetMs: opts.ruleTimeBudgetMs,
        prefilter: opts.prefilter,
      });
      const slot = this.workers.length;
      worker.on('message', (msg: { id: number; results: ContentResult[] }) => {
        const p = this.pending.get(msg.id);
        if (!p) return;
        this.pending.delete(msg.id);
        (this.workers[slot] as { inFlight: number }).inFlight--;
        p.resolve(msg.results);
      });
      worker.on('error', (e) => this.failSlot(slot, e));
      worker.on('exit', (code) => this.failSlot(slot, new Error(`scan worker exited with code ${code}`)));
      this.workers.push({ worker, inFlight: 0, alive: true });
    }
  }

  /**
   * Scans a batch of files on the least busy running worker; one result per file, in order.
   * Rejects when the worker dies first, or at once when none is running.
   */
  scanBatch(tasks: readonly FileTask[]): Promise<ContentResult[]> {
    let slot = -1;
    this.workers.forEach((w, i) => {
      if (w.alive && (slot === -1 || w.inFlight < (this.workers[slot] as { inFlight: number }).inFlight)) slot = i;
    });
    if (slot === -1) return Promise.reject(new Error('no scan worker is running'));
    const entry = this.workers[slot] as { worker: Worker; inFlight: number };
    const id = this.nextId++;
    entry.inFlight++;
    return new Promise((resolve, reject) => {
      this.pending.set(id, { resolve, reject, slot });
      entry.worker.postMessage({ id, tasks });
    });
  }

  /** The number of batches in flight across all workers. */
  get inFlight(): number {
    return this.pending.size;
  }

  /** Terminates the workers. */
  async close(): Promise<void> {
    await Promise.all(this.workers.map((w) => w.worker.terminate()));
  }

  /** The number of workers still running. */
  get alive(): number {
    return this.workers.filter((w) => w.alive).length;
  }

  // A worker that failed or exited takes no more batches, and its batches in flight are rejected
  // (a batch sent to a dead worker would never be answered).
  private failSlot(slot: number, e: Error): void {
    (this.workers[slot] as { alive: boolean }).alive = false;
    for (const [id, p] of this.pending) {
      if (p.slot === slot) {
        this.pending.delete(id);
        p.reject(e);
      }
    }
  }
}
