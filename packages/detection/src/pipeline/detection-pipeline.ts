import type { Readable } from 'node:stream';
import type { Alert, TokenWardenError } from '@tokenwarden/core';
import type { Enricher } from '../enrich/enricher.js';
import type { EnrichedEvent } from '../enriched-event.js';
import { expandInputs, type InputSource, openText } from '../ingest/open-input.js';
import { createRecordDecoder } from '../ingest/parse-record.js';
import type { NginxOptions } from '../ingest/parsers/nginx.js';
import { splitRecordBatches } from '../ingest/record-splitter.js';
import { defaultTimeBounds, type TimeBounds, timeProblem } from '../ingest/time-and-ip.js';
import type { InputFormat, InputFormatOption, InputIssue, NormalisedEvent } from '../ingest/types.js';
import type { AlertEngine } from './engine-port.js';
import { ReorderBuffer } from './reorder-buffer.js';
import { type MergeInput, mergeSourcesByTime } from './source-merge.js';

/** Consecutive unrecognised records, before any recognised one, after which a file is skipped. */
const UNKNOWN_FORMAT_GIVE_UP = 10;
/** Records looked at for a file's first event time before it is taken to have none near its start. */
const PEEK_RECORDS = 1000;

/** Options of {@link runDetectionPipeline}. */
export interface DetectionPipelineOptions {
  engine: AlertEngine;
  enrich: Enricher;
  /** Receives every alert, in order. May return a promise (e.g. to respect stdout backpressure). */
  onAlert: (alert: Alert) => void | Promise<void>;
  /** Receives every skipped record with its location (`file:line: reason`). */
  onIssue: (issue: InputIssue) => void;
  /** Receives every PATH that could not be read; the run goes on with the others. */
  onUnreadable?: (path: string, error: TokenWardenError) => void;
  /** Called once with the total bytes of all files (when known), then with bytes read so far. */
  onProgress?: (read: number, total: number) => void;
  inputFormat?: InputFormatOption;
  nginx?: NginxOptions;
  /** Late-event tolerance for event-time ordering, ms (default 5 minutes). */
  lateToleranceMs?: number;
  /** Most events held for reordering (default 100,000). */
  reorderCapacity?: number;
  /** Longest record in characters (default 1 MiB). */
  maxRecordChars?: number;
  /** Accepted event times (default 1995-01-01 .. now + 1 year). */
  timeBounds?: TimeBounds;
  /** Stream read for `-` (default process.stdin). */
  stdin?: Readable;
}

/** What a run saw. */
export interface DetectionSummary {
  inputs: number;
  unreadable: number;
  records: number;
  events: number;
  ignored: number;
  issues: number;
  late: number;
  alerts: number;
  formats: Partial<Record<InputFormat, number>>;
}

/**
 * Runs detection over files, directories, `.gz` files and stdin: split records, recognise and
 * parse each format, reject bad records with their location, put events in event-time order
 * (within the late tolerance), enrich them and feed the engine. Bad input never stops the run.
 *
 * @example
 * ```ts
 * const summary = await runDetectionPipeline(['trail/'], {
 *   engine, enrich: createEnricher({ ipIntel: createIpIntel() }),
 *   onAlert: (a) => console.log(JSON.stringify(a)), onIssue: (i) => console.error(`${i.source}:${i.line}: ${i.reason}`),
 * });
 * ```
 */
export async function runDetectionPipeline(paths: readonly string[], options: DetectionPipelineOptions): Promise<DetectionSummary> {
  const { sources, unreadable } = await expandInputs(paths);
  const summary: DetectionSummary = {
    inputs: sources.length,
    unreadable: unreadable.length,
    records: 0,
    events: 0,
    ignored: 0,
    issues: 0,
    late: 0,
    alerts: 0,
    formats: {},
  };
  for (const u of unreadable) options.onUnreadable?.(u.path, u.error);
  const bounds = options.timeBounds ?? defaultTimeBounds();
  const decode = createRecordDecoder({ format: options.inputFormat ?? 'auto', nginx: options.nginx });
  const reorder = new ReorderBuffer<NormalisedEvent>({
    toleranceMs: options.lateToleranceMs ?? 300_000,
    capacity: options.reorderCapacity,
    key: (e) => e.credential_key,
  });
  const total = sources.reduce((n, s) => n + (s.size ?? 0), 0);
  let bytesRead = 0;
  options.onProgress?.(0, total);

  const emit = async (alerts: Alert[]): Promise<void> => {
    for (const alert of alerts) {
      summary.alerts++;
      const pending = options.onAlert(alert);
      if (pending) await pending;
    }
  };
  // Synchronous unless an alert sink asks to wait (stdout backpressure): no promise per event.
  const release = (due: NormalisedEvent[]): Promise<void> | undefined => {
    for (let i = 0; i < due.length; i++) {
      const enriched: EnrichedEvent = options.enrich(due[i] as NormalisedEvent);
      const alerts = options.engine.process(enriched);
      if (alerts.length > 0) {
        for (let k = 0; k < alerts.length; k++) {
          summary.alerts++;
          const pending = options.onAlert(alerts[k] as Alert);
          if (pending) return pending.then(() => emit(alerts.slice(k + 1))).then(() => release(due.slice(i + 1)));
        }
      }
    }
    return undefined;
  };

  const pushEvents = (events: NormalisedEvent[]): Promise<void> | undefined => {
    for (let i = 0; i < events.length; i++) {
      const due = reorder.push(events[i] as NormalisedEvent);
      if (due.length > 0) {
        const pending = release(due);
        if (pending) return pending.then(() => pushEvents(events.slice(i + 1)));
      }
    }
    return undefined;
  };
  const open = async (source: InputSource, onBytes: ((n: number) => void) | undefined): Promise<AsyncIterable<string> | undefined> => {
    try {
      return await openText(source, { stdin: options.stdin, onBytes });
    } catch (e) {
      summary.unreadable++;
      options.onUnreadable?.(source.name, e as TokenWardenError);
      return undefined;
    }
  };
  const countBytes = options.onProgress
    ? (n: number) => {
        bytesRead += n;
        options.onProgress?.(bytesRead, total);
      }
    : undefined;

  // Several files (not stdin, which cannot be read twice) are merged by event time: each is opened when the
  // merge reaches its first event, so files of different regions or out of order across a directory still
  // reach the engine in time order. One input is read as it comes.
  if (sources.length > 1 && sources.every((s) => s.name !== '-')) {
    const inputs: MergeInput<NormalisedEvent>[] = [];
    for (const source of sources) {
      const peeked = await firstEventTime(source);
      inputs.push({
        firstTs: peeked.ts,
        open: async () => {
          // A file the look read to its end without an event (AWS service calls only, a digest) is not read again:
          // what the look saw is counted and reported now, as the reading would have.
          if (peeked.wholeFile) {
            replay(source, peeked.wholeFile);
            return emptyBatches()[Symbol.asyncIterator]();
          }
          const text = await open(source, countBytes);
          return (text ? sourceBatches(source, text, undefined) : emptyBatches())[Symbol.asyncIterator]();
        },
      });
    }
    await mergeSourcesByTime(inputs, (e) => e.ts, pushEvents);
  } else {
    for (const source of sources) {
      const text = await open(source, countBytes);
      if (!text) continue;
      for await (const events of sourceBatches(source, text, undefined)) {
        const pending = pushEvents(events);
        if (pending) await pending;
      }
    }
  }
  await release(reorder.drain());
  await emit(options.engine.flush());
  summary.late = reorder.late;
  return summary;

  /**
   * Time of the first event of a file (`-Infinity` when it cannot be opened, so its error is reported first;
   * `Infinity` when none of its first records is an event). Reports nothing and counts nothing; when it read the
   * whole file without finding an event, what it saw comes back as `wholeFile` for {@link replay}.
   */
  async function firstEventTime(source: InputSource): Promise<{ ts: number; wholeFile?: PeekTally }> {
    let text: AsyncIterable<string>;
    try {
      text = await openText(source, {});
    } catch {
      return { ts: Number.NEGATIVE_INFINITY };
    }
    const tally: PeekTally = { records: 0, ignored: 0, formats: {}, issues: [], ended: false };
    try {
      for await (const events of sourceBatches(source, text, tally))
        if (events.length > 0) return { ts: (events[0] as NormalisedEvent).ts };
    } catch {
      return { ts: Number.NEGATIVE_INFINITY };
    }
    return tally.ended ? { ts: Number.POSITIVE_INFINITY, wholeFile: tally } : { ts: Number.POSITIVE_INFINITY };
  }

  /** Counts and reports what a look at a whole file saw, as reading it would have. */
  function replay(source: InputSource, tally: PeekTally): void {
    countBytes?.(source.size ?? 0);
    summary.records += tally.records;
    summary.ignored += tally.ignored;
    for (const [format, n] of Object.entries(tally.formats) as Array<[InputFormat, number]>) {
      summary.formats[format] = (summary.formats[format] ?? 0) + n;
    }
    for (const i of tally.issues) {
      summary.issues++;
      options.onIssue(i);
    }
  }

  /**
   * The events of one input, a batch per chunk read. With `peek`, a look at its first records only that reports
   * and counts nothing but keeps what it saw in `peek` (issues included, bounded by {@link PEEK_RECORDS}).
   */
  async function* sourceBatches(
    source: InputSource,
    text: AsyncIterable<string>,
    peek: PeekTally | undefined,
  ): AsyncGenerator<NormalisedEvent[]> {
    const issue = (line: number, reason: string, record?: number) => {
      const found: InputIssue =
        record === undefined ? { source: source.name, line, reason } : { source: source.name, line, record, reason };
      if (peek) {
        peek.issues.push(found);
        return;
      }
      summary.issues++;
      options.onIssue(found);
    };
    // A file whose first records are all of no known format (a digest, a CSV, a binary) is
    // reported once and skipped, instead of one message per line.
    let recognised = false;
    let unknownRun = 0;
    let seen = 0;
    // A look counts into its tally, a reading into the run's summary (the same fields).
    const counts: Pick<PeekTally, 'records' | 'ignored' | 'formats'> = peek ?? summary;
    for await (const batch of splitRecordBatches(text, { maxRecordChars: options.maxRecordChars })) {
      const events: NormalisedEvent[] = [];
      for (const raw of batch) {
        for (const decoded of decode(raw, source.name)) {
          if (peek && ++seen > PEEK_RECORDS) return;
          counts.records++;
          const outcome = decoded.outcome;
          if (outcome.kind === 'error') {
            if (!recognised && decoded.format === undefined && raw.kind !== 'issue' && ++unknownRun >= UNKNOWN_FORMAT_GIVE_UP) {
              issue(decoded.line, `no known log format in the first ${UNKNOWN_FORMAT_GIVE_UP} records; rest of the file skipped`);
              if (peek) peek.ended = true;
              if (events.length > 0) yield events;
              return;
            }
            issue(decoded.line, outcome.reason, decoded.record);
            continue;
          }
          recognised = true;
          if (decoded.format) counts.formats[decoded.format] = (counts.formats[decoded.format] ?? 0) + 1;
          if (outcome.kind === 'ignored') {
            counts.ignored++;
            continue;
          }
          const problem = timeProblem(outcome.event.ts, bounds);
          if (problem) {
            issue(decoded.line, problem, decoded.record);
            continue;
          }
          if (!peek) summary.events++;
          events.push(outcome.event);
          if (peek) break;
        }
        if (peek && events.length > 0) break;
      }
      if (events.length > 0) yield events;
    }
    if (peek) peek.ended = true;
  }
}

/** What a look at the head of a file saw: counted and reported only if it proves to be the whole file. */
interface PeekTally {
  records: number;
  ignored: number;
  formats: Partial<Record<InputFormat, number>>;
  issues: InputIssue[];
  /** The look reached the end of the file (or the point where the rest is skipped). */
  ended: boolean;
}

async function* emptyBatches(): AsyncGenerator<NormalisedEvent[]> {}
