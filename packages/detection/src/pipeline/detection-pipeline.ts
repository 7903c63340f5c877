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

/** Consecutive unrecognised records, before any recognised one, after which a file is skipped. */
const UNKNOWN_FORMAT_GIVE_UP = 10;

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

  for (const source of sources) {
    let text: AsyncIterable<string>;
    try {
      text = await openText(source, {
        stdin: options.stdin,
        onBytes: options.onProgress
          ? (n) => {
              bytesRead += n;
              options.onProgress?.(bytesRead, total);
            }
          : undefined,
      });
    } catch (e) {
      summary.unreadable++;
      options.onUnreadable?.(source.name, e as TokenWardenError);
      continue;
    }
    await consumeSource(source, text);
  }
  await release(reorder.drain());
  await emit(options.engine.flush());
  summary.late = reorder.late;
  return summary;

  async function consumeSource(source: InputSource, text: AsyncIterable<string>): Promise<void> {
    const issue = (line: number, reason: string) => {
      summary.issues++;
      options.onIssue({ source: source.name, line, reason });
    };
    // A file whose first records are all of no known format (a digest, a CSV, a binary) is
    // reported once and skipped, instead of one message per line.
    let recognised = false;
    let unknownRun = 0;
    for await (const batch of splitRecordBatches(text, { maxRecordChars: options.maxRecordChars })) {
      for (const raw of batch) {
        for (const decoded of decode(raw, source.name)) {
          summary.records++;
          const outcome = decoded.outcome;
          if (outcome.kind === 'error') {
            if (!recognised && decoded.format === undefined && raw.kind !== 'issue' && ++unknownRun >= UNKNOWN_FORMAT_GIVE_UP) {
              issue(decoded.line, `no known log format in the first ${UNKNOWN_FORMAT_GIVE_UP} records; rest of the file skipped`);
              return;
            }
            issue(decoded.line, outcome.reason);
            continue;
          }
          recognised = true;
          if (decoded.format) summary.formats[decoded.format] = (summary.formats[decoded.format] ?? 0) + 1;
          if (outcome.kind === 'ignored') {
            summary.ignored++;
            continue;
          }
          const problem = timeProblem(outcome.event.ts, bounds);
          if (problem) {
            issue(decoded.line, problem);
            continue;
          }
          summary.events++;
          const due = reorder.push(outcome.event);
          if (due.length > 0) {
            const pending = release(due);
            if (pending) await pending;
          }
        }
      }
    }
  }
}
