import type { EnrichedEvent, GeoInfo } from '../enriched-event.js';

/** Log formats `tokenwarden detect` understands. */
export type InputFormat = 'cloudtrail' | 'ocsf' | 'native' | 'nginx' | 'okta';

/** Every value accepted by `--input-format`. */
export type InputFormatOption = InputFormat | 'auto';

/** Every concrete input format, for validation and help text. */
export const INPUT_FORMATS: readonly InputFormat[] = ['cloudtrail', 'ocsf', 'native', 'nginx', 'okta'];

/**
 * A problem with one record of the input: where it is and why it was skipped.
 * Never contains the content of the record (it may hold a secret).
 */
export interface InputIssue {
  /** File path, or `-` for stdin. */
  source: string;
  /** 1-based line of the record (its first line for multi-line JSON). */
  line: number;
  /**
   * 1-based position of the record in its JSON array, when it came from one: AWS writes a whole CloudTrail file on
   * one line, where the line alone does not say which record it was.
   */
  record?: number | undefined;
  /** One-line reason, e.g. `not JSON (at column 17)`. */
  reason: string;
}

/**
 * Network facts some sources carry themselves (Okta's securityContext and geographicalContext).
 * The enricher uses them where its own databases have no answer.
 */
export interface NetworkHint extends Partial<Omit<GeoInfo, 'asn_kind'>> {
  /** The source flagged the address as a proxy, VPN or Tor exit. */
  proxy?: boolean;
}

/**
 * An access event normalised from any source, before enrichment: everything an
 * {@link EnrichedEvent} has except `geo` and `client`, plus an optional network hint.
 */
export type NormalisedEvent = Omit<EnrichedEvent, 'geo' | 'client'> & {
  network_hint?: NetworkHint;
  /** Not known before enrichment (a parser may declare the slot, left undefined). */
  geo?: undefined;
  /** Not known before enrichment (a parser may declare the slot, left undefined). */
  client?: undefined;
};

/** Where a record sits in its input. */
export interface RecordContext {
  source: string;
  line: number;
  /** Position in its JSON array (1-based), when the record came from one. */
  record?: number | undefined;
}

/** What a record parser made of one record. */
export type ParseOutcome =
  | { kind: 'event'; event: NormalisedEvent }
  /** Valid record that carries nothing to detect on (e.g. an AWS service event without a key); counted, not reported. */
  | { kind: 'ignored'; why: string }
  | { kind: 'error'; reason: string };

/** Turns one parsed JSON value (or one text line for nginx) into an event. */
export type RecordParser = (record: unknown, ctx: RecordContext) => ParseOutcome;
