import cliProgress from 'cli-progress';

/** A progress reporter that draws on stderr only when it is a terminal, and is silent otherwise. */
export interface Progress {
  start(total: number, label?: string): void;
  increment(by?: number): void;
  update(value: number): void;
  /** Writes one line (a `skipped ...` notice) on stderr above the bar, not onto its line. */
  log(line: string): void;
  stop(): void;
}

/**
 * The bar's eta: cli-progress's own format for a number of seconds, `--` while it has none (it
 * passes the string 'NULL', which its format cut to `LL`: `eta LLs`).
 *
 * @example
 * ```ts
 * formatEta(75, options, 5); // "01m15s"
 * formatEta('NULL' as never, options, 5); // "--"
 * ```
 */
export function formatEta(t: number, options: cliProgress.Options, roundTo: number): string {
  return typeof t === 'number' && Number.isFinite(t) ? cliProgress.Format.TimeFormat(t, options, roundTo) : '--';
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
    return {
      start() {},
      increment() {},
      update() {},
      log(line) {
        process.stderr.write(line);
      },
      stop() {},
    };
  }
  const bar = new cliProgress.SingleBar(
    {
      stream: process.stderr,
      format: '{label} [{bar}] {percentage}% {value}/{total} eta {eta_formatted}',
      hideCursor: true,
      clearOnComplete: true,
      formatTime: formatEta,
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
    log(line) {
      if (!running) {
        process.stderr.write(line);
        return;
      }
      // Clear the bar's line and write the notice on it; the bar is drawn again on the next line.
      process.stderr.write(`\r\u001b[2K${line.endsWith('\n') ? line : `${line}\n`}`);
      bar.render();
    },
    stop() {
      if (running) bar.stop();
      running = false;
    },
  };
}
