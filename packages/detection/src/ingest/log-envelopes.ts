import { isObject, type JsonObject } from './fields.js';

/** The log records a CloudWatch Logs envelope carries as text, or that it is a control message with none. */
export interface CloudWatchLogMessages {
  /** A subscription's test message (`CONTROL_MESSAGE`): valid, with no log record. */
  control: boolean;
  /** Each log event's `message`: one log record as text (a CloudTrail record, say), or not a string if missing. */
  messages: unknown[];
}

/**
 * The log events of an Amazon CloudWatch Logs subscription record (`messageType`, `logGroup`, `logEvents`), as
 * Firehose delivers a log group to S3 or a subscription hands it to Lambda or Kinesis. Trails sent to CloudWatch
 * Logs arrive this way, one CloudTrail record per message. Undefined for anything else.
 *
 * @example
 * ```ts
 * cloudWatchLogMessages({ messageType: 'DATA_MESSAGE', logGroup: 'trail', logEvents: [{ id: '1', timestamp: 0, message: '{}' }] });
 * // { control: false, messages: ['{}'] }
 * ```
 */
export function cloudWatchLogMessages(o: JsonObject): CloudWatchLogMessages | undefined {
  if (typeof o.messageType === 'string' && typeof o.logGroup === 'string' && Array.isArray(o.logEvents)) {
    return { control: o.messageType !== 'DATA_MESSAGE', messages: o.logEvents.map((e) => (isObject(e) ? e.message : undefined)) };
  }
  return undefined;
}
