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
 * Parses one alert line; returns the alert or the reason it is unusable.
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
