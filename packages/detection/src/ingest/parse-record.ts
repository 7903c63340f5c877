import { isObject, type JsonObject } from './fields.js';
import { cloudWatchLogMessages } from './log-envelopes.js';
import { isCloudTrailWithoutCaller, looksCloudTrail, parseCloudTrailRecord } from './parsers/cloudtrail.js';
import { looksNative, parseNativeRecord } from './parsers/native.js';
import { createNginxParser, looksNginx, type NginxOptions } from './parsers/nginx.js';
import { looksOcsf, parseOcsfRecord } from './parsers/ocsf.js';
import { looksOkta, parseOktaRecord } from './parsers/okta.js';
import type { RawRecord } from './record-splitter.js';
import type { InputFormat, InputFormatOption, ParseOutcome, RecordContext, RecordParser } from './types.js';

/** Options of {@link createRecordDecoder}. */
export interface RecordDecoderOptions {
  /** `auto` (default) recognises every record by its fields; a concrete format forces one parser. */
  format?: InputFormatOption;
  nginx?: NginxOptions;
}

/** A decoded record: its format (when recognised) and what the parser made of it. */
export interface DecodedRecord {
  format?: InputFormat;
  outcome: ParseOutcome;
  line: number;
  /** Position in the record's JSON array (1-based), when it came from one. */
  record?: number | undefined;
}

/**
 * Recognises the format of one JSON object: CloudTrail (and its digest files), OCSF, Okta, or native, in that order
 * (the most specific field sets first).
 *
 * @example
 * ```ts
 * detectJsonFormat({ class_uid: 6003 }); // 'ocsf'
 * ```
 */
export function detectJsonFormat(o: JsonObject): InputFormat | undefined {
  // Digest and Insights files sit beside the logs in a CloudTrail S3 export: valid, but with no caller.
  if (looksCloudTrail(o) || isCloudTrailWithoutCaller(o)) return 'cloudtrail';
  if (looksOcsf(o)) return 'ocsf';
  if (looksOkta(o)) return 'okta';
  if (looksNative(o)) return 'native';
  return undefined;
}

/**
 * The CloudTrail record inside an Amazon EventBridge event (`detail-type` "AWS API Call via CloudTrail" or "AWS
 * Console Sign In via CloudTrail", the record as `detail`): how trails reach a SIEM through EventBridge rules,
 * Firehose or a queue, and so how many exports look. Anything else is left as it is.
 *
 * @example
 * ```ts
 * cloudTrailInEnvelope({ 'detail-type': 'AWS API Call via CloudTrail', detail: record }); // record
 * ```
 */
export function cloudTrailInEnvelope(o: JsonObject): JsonObject | undefined {
  if (typeof o['detail-type'] !== 'string') return undefined;
  const detail = o.detail;
  return isObject(detail) && looksCloudTrail(detail) ? detail : undefined;
}

/** An object shaped like a native event (a time and what happened) whose credential is missing: say that, not "unknown format". */
function nativeWithoutCredential(o: JsonObject): boolean {
  return (
    !('credential_id' in o) && ('time' in o || 'ts' in o) && ('source_system' in o || 'outcome' in o || 'operation' in o || 'path' in o)
  );
}

/** The kind of a line that is a whole JSON scalar (`null`, `true`, `42`, `"text"`), or undefined for anything else. */
function jsonScalar(text: string): string | undefined {
  const t = text.trim();
  if (t === 'null') return 'null';
  if (t === 'true' || t === 'false') return 'boolean';
  const c = t.charCodeAt(0);
  if (c !== 34 && c !== 45 && !(c >= 48 && c <= 57)) return undefined;
  try {
    const v: unknown = JSON.parse(t);
    return typeof v === 'string' ? 'string' : typeof v === 'number' ? 'number' : undefined;
  } catch {
    return undefined;
  }
}

/**
 * The reason a JSON parse failed, without echoing the input (V8's message quotes the text,
 * which may contain a secret).
 */
function jsonFailure(e: unknown): string {
  const m = e instanceof Error ? /position (\d+)/.exec(e.message) : null;
  if (m) return `not valid JSON (at column ${Number(m[1]) + 1})`;
  if (e instanceof Error && /end of JSON input|Unterminated/i.test(e.message)) return 'not valid JSON (truncated)';
  return 'not valid JSON';
}

/**
 * Creates the decoder that turns raw records into parse outcomes, format by format. A record
 * may expand into several (a `{"Records":[...]}` object, a JSON array on one line, or a CloudWatch Logs
 * envelope whose messages are log records).
 *
 * @example
 * ```ts
 * const decode = createRecordDecoder({ format: 'auto' });
 * for (const d of decode({ kind: 'line', text, line: 1 }, 'a.jsonl')) console.log(d.format, d.outcome.kind);
 * ```
 */
export function createRecordDecoder(options: RecordDecoderOptions = {}): (raw: RawRecord, source: string) => DecodedRecord[] {
  const forced = options.format ?? 'auto';
  const nginx = createNginxParser(options.nginx);
  const parsers: Record<InputFormat, RecordParser> = {
    cloudtrail: parseCloudTrailRecord,
    ocsf: parseOcsfRecord,
    okta: parseOktaRecord,
    native: parseNativeRecord,
    nginx,
  };

  const decodeValue = (value: unknown, ctx: RecordContext, out: DecodedRecord[], nested: boolean): void => {
    if (Array.isArray(value) && !nested) {
      decodeElements(value, ctx, out);
      return;
    }
    if (isObject(value) && Array.isArray(value.Records) && !nested) {
      decodeElements(value.Records, ctx, out);
      return;
    }
    const logs = isObject(value) && !nested ? cloudWatchLogMessages(value) : undefined;
    if (logs) {
      if (logs.control)
        out.push({ outcome: { kind: 'ignored', why: 'CloudWatch Logs control message' }, line: ctx.line, record: ctx.record });
      for (const message of logs.control ? [] : logs.messages) decodeMessage(message, ctx, out);
      return;
    }
    if (!isObject(value)) {
      out.push({ outcome: { kind: 'error', reason: 'record is not a JSON object' }, line: ctx.line, record: ctx.record });
      return;
    }
    const record = cloudTrailInEnvelope(value) ?? value;
    const format = forced === 'auto' ? detectJsonFormat(record) : forced;
    if (!format || format === 'nginx') {
      const reason =
        format === 'nginx'
          ? 'JSON record in an nginx log'
          : nativeWithoutCredential(record)
            ? 'native record without credential_id'
            : 'unknown record format (not CloudTrail, OCSF, Okta or native)';
      out.push({ outcome: { kind: 'error', reason }, line: ctx.line, record: ctx.record });
      return;
    }
    out.push({ format, outcome: parsers[format](record, ctx), line: ctx.line, record: ctx.record });
  };

  // The records of an array on one line (a CloudTrail file as AWS writes it), each located by its position.
  const decodeElements = (values: unknown[], ctx: RecordContext, out: DecodedRecord[]): void => {
    for (let i = 0; i < values.length; i++) {
      decodeValue(values[i], ctx.record === undefined ? { source: ctx.source, line: ctx.line, record: i + 1 } : ctx, out, true);
    }
  };

  // One CloudWatch Logs event's message: a log record written as JSON text.
  const decodeMessage = (message: unknown, ctx: RecordContext, out: DecodedRecord[]): void => {
    if (typeof message !== 'string') {
      out.push({ outcome: { kind: 'error', reason: 'CloudWatch Logs event without a message' }, line: ctx.line, record: ctx.record });
      return;
    }
    let record: unknown;
    try {
      record = JSON.parse(message);
    } catch (e) {
      out.push({ outcome: { kind: 'error', reason: `CloudWatch Logs message ${jsonFailure(e)}` }, line: ctx.line, record: ctx.record });
      return;
    }
    decodeValue(record, ctx, out, true);
  };

  return (raw, source) => {
    if (raw.kind === 'issue') return [{ outcome: { kind: 'error', reason: raw.reason }, line: raw.line, record: raw.record }];
    const ctx: RecordContext = raw.kind === 'element' ? { source, line: raw.line, record: raw.record } : { source, line: raw.line };
    const text = raw.text;
    const first = text.trimStart().charCodeAt(0);
    const jsonLike = first === 123 || first === 91;
    if (!jsonLike || forced === 'nginx') {
      if (forced === 'nginx' || (forced === 'auto' && looksNginx(text))) {
        return [{ format: 'nginx', outcome: nginx(text, ctx), line: raw.line }];
      }
      // Auto-detected input may mix formats line by line: say what the line is not, so a broken JSON line is recognisable.
      const scalar = jsonScalar(text);
      const reason =
        scalar !== undefined
          ? `JSON ${scalar} where a record (an object) was expected`
          : forced === 'auto'
            ? 'unknown record format (neither JSON nor an nginx/Apache access-log line)'
            : 'not valid JSON';
      return [{ outcome: { kind: 'error', reason }, line: raw.line }];
    }
    let value: unknown;
    try {
      value = JSON.parse(text);
    } catch (e) {
      return [{ outcome: { kind: 'error', reason: jsonFailure(e) }, line: raw.line }];
    }
    const out: DecodedRecord[] = [];
    decodeValue(value, ctx, out, false);
    return out;
  };
}
