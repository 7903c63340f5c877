import cliProgress from 'cli-progress';

/** A progress reporter that draws on stderr only when it is a terminal, and is silent otherwise. */
export interface Progress {
  start(total: number, label?: string): void;
  increment(by?: number): void;
  update(value: number): void;
  stop(): void;
}

/**
 * Creates a progress bar on stderr (results stay on stdout). Without a TTY, or with
 * `quiet`, every call is a no-op, so piping output never gets bar noise.
 *
 * @example
 * ```ts
 * const p = createProgress(); p.start(files.length, 'scanning'); ...; p.increment(); p.stop();
 * ```
 */
export function createProgress(quiet = false): Progress {
  if (quiet || !process.stderr.isTTY) {
    return { start() {}, increment() {}, update() {}, stop() {} };
  }
  const bar = new cliProgress.SingleBar(
    {
      stream: process.stderr,
      format: '{label} [{bar}] {percentage}% {value}/{total} eta {eta_formatted}',
      hideCursor: true,
      clearOnComplete: true,
    },
    cliProgress.Presets.shades_classic,
  );
  let running = false;
  return {
    start(total, label = 'working') {
      bar.start(total, 0, { label });
      running = true;
    },
    increment(by = 1) {
      if (running) bar.increment(by);
    },
    update(value) {
      if (running) bar.update(value);
    },
    stop() {
      if (running) bar.stop();
      running = false;
    },
  };
}
