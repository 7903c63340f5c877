import { open } from 'node:fs/promises';
import { createInterface } from 'node:readline';
import type { Readable } from 'node:stream';
import { SEVERITIES, type Severity, TokenWardenError } from '@tokenwarden/core';

/** The fields of a detector alert that scoring needs (extra fields are ignored). */
export interface ScoredAlert {
  id: string;
  /** Event time of the alert, UTC milliseconds. */
  time: number;
  credential: string;
  rule: string;
  severity: Severity;
  stage: string;
}

/** A line that could not be used, with where it was. */
export interface AlertProblem {
  source: string;
  line: number;
  reason: string;
}

const SEVERITY_SET = new Set<string>(SEVERITIES);

/**
 * Parses one alert line (a native alert of `tokenwarden detect`, or an OCSF Detection Finding of
 * `detect --output ocsf`); returns the alert or the reason it is unusable.
 *
 * @example
 * ```ts
 * parseAlertLine('{"id":"a","time":"2026-11-02T10:00:00Z","credential":"AKIA...","rule":"new_place","severity":"high"}');
 * ```
 */
export function parseAlertLine(line: string): ScoredAlert | string {
  let v: unknown;
  try {
    v = JSON.parse(line);
  } catch (e) {
    return `not JSON: ${(e as Error).message}`;
  }
  if (typeof v !== 'object' || v === null || Array.isArray(v)) return 'not a JSON object';
  const o = v as Record<string, unknown>;
  if (o.class_uid === OCSF_DETECTION_FINDING) return fromOcsfFinding(o);
  if (typeof o.credential !== 'string' || o.credential.length === 0) return 'missing "credential"';
  if (typeof o.time !== 'string' || Number.isNaN(Date.parse(o.time))) return 'missing or invalid "time" (ISO 8601 expected)';
  if (typeof o.severity !== 'string' || !SEVERITY_SET.has(o.severity)) return `invalid "severity" (expected ${SEVERITIES.join('|')})`;
  if (typeof o.rule !== 'string' || o.rule.length === 0) return 'missing "rule"';
  return {
    id: typeof o.id === 'string' ? o.id : '',
    time: Date.parse(o.time),
    credential: o.credential,
    rule: o.rule,
    severity: o.severity as Severity,
    stage: typeof o.stage === 'string' ? o.stage : 'none',
  };
}

/** OCSF class of `tokenwarden detect --output ocsf`. */
const OCSF_DETECTION_FINDING = 2004;

// OCSF severity_id: 1 Informational .. 5 Critical, 6 Fatal (0 Unknown and 99 Other are not usable for paging).
const SEVERITY_OF_OCSF_ID: Readonly<Record<number, Severity>> = {
  1: 'low',
  2: 'low',
  3: 'medium',
  4: 'high',
  5: 'critical',
  6: 'critical',
};

function record(v: unknown): Record<string, unknown> | undefined {
  return typeof v === 'object' && v !== null && !Array.isArray(v) ? (v as Record<string, unknown>) : undefined;
}

function text(v: unknown): string | undefined {
  return typeof v === 'string' && v.length > 0 ? v : undefined;
}

/**
 * An OCSF Detection Finding (class 2004) as a scored alert: the credential from `actor.session.credential_uid`,
 * the time from `time` (epoch milliseconds), the severity from `severity_id`, the rule from `finding_info.title`;
 * our own `unmapped` fields take precedence where present, so `detect --output ocsf` scores like native output.
 */
function fromOcsfFinding(o: Record<string, unknown>): ScoredAlert | string {
  const unmapped = record(o.unmapped) ?? {};
  const info = record(o.finding_info) ?? {};
  const credential = text(unmapped.credential) ?? text(record(record(o.actor)?.session)?.credential_uid);
  if (credential === undefined) return 'OCSF finding without "actor.session.credential_uid"';
  const time = typeof o.time === 'number' && Number.isFinite(o.time) ? o.time : undefined;
  if (time === undefined) return 'OCSF finding without a numeric "time" (epoch milliseconds)';
  const severity =
    typeof unmapped.severity === 'string' && SEVERITY_SET.has(unmapped.severity)
      ? (unmapped.severity as Severity)
      : typeof o.severity_id === 'number'
        ? SEVERITY_OF_OCSF_ID[o.severity_id]
        : undefined;
  if (severity === undefined) return 'OCSF finding with an unusable "severity_id" (expected 1-6)';
  const rule = text(unmapped.rule) ?? text(info.title);
  if (rule === undefined) return 'OCSF finding without "finding_info.title"';
  const types = Array.isArray(info.types) ? info.types : [];
  return {
    id: text(unmapped.id) ?? text(info.uid) ?? '',
    time,
    credential,
    rule,
    severity,
    stage: text(unmapped.stage) ?? text(types[1]) ?? 'none',
  };
}

/**
 * Streams alerts from a JSON-lines file (or stdin for `-`), one at a time, so a huge alert file
 * is never held in memory. Blank lines are skipped; unusable lines go to `onProblem` with their
 * file and line, and reading goes on. An unreadable file is `TW_INPUT_UNREADABLE`.
 *
 * @example
 * ```ts
 * for await (const alert of readAlerts('alerts.jsonl', (p) => console.error(p))) score(alert);
 * ```
 */
export async function* readAlerts(
  path: string,
  onProblem: (p: AlertProblem) => void,
  stdin: Readable = process.stdin,
): AsyncGenerator<ScoredAlert> {
  let input: Readable;
  const source = path === '-' ? '<stdin>' : path;
  if (path === '-') input = stdin;
  else {
    try {
      // Open first so that a missing file is a clear error rather than a stream 'error' event.
      const handle = await open(path, 'r');
      input = handle.createReadStream();
    } catch (e) {
      throw new TokenWardenError(
        'TW_INPUT_UNREADABLE',
        `cannot read alerts file ${path}: ${(e as NodeJS.ErrnoException).code ?? 'error'}`,
        {
          hint: 'pass --alerts with the JSON lines printed by `tokenwarden detect`, or - for stdin',
          cause: e,
        },
      );
    }
  }
  const lines = createInterface({ input, crlfDelay: Number.POSITIVE_INFINITY });
  let n = 0;
  for await (const line of lines) {
    n++;
    if (line.trim() === '') continue;
    const parsed = parseAlertLine(line);
    if (typeof parsed === 'string') onProblem({ source, line: n, reason: parsed });
    else yield parsed;
  }
}
