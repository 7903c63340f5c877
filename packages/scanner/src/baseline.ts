import { readFileSync, writeFileSync } from 'node:fs';
import { TokenWardenError } from '@tokenwarden/core/formats';
import type { Finding } from './types.js';

/** One accepted finding in a baseline file. */
export interface BaselineEntry {
  secret_hash: string;
  file: string;
  rule: string;
}

/** A baseline: findings accepted once, not reported again. */
export interface Baseline {
  version: 1;
  findings: BaselineEntry[];
}

// `./a.env` and `a.env` name one file (a SARIF URI drops the `./`).
const key = (e: BaselineEntry): string => `${e.secret_hash}\u0000${e.file.replace(/^\.\//, '')}\u0000${e.rule}`;

interface SarifLog {
  runs: { results?: unknown[] }[];
}

function isSarif(doc: unknown): doc is SarifLog {
  return doc !== null && typeof doc === 'object' && Array.isArray((doc as { runs?: unknown }).runs);
}

// The file a SARIF location names, as the scan printed it: `file://` URIs of absolute paths and
// percent-encoded segments undone (the inverse of the SARIF report's URIs).
function fileOfUri(uri: string): string {
  const path = uri.startsWith('file:///') ? uri.slice(7).replace(/^\/([A-Za-z]:\/)/, '$1') : uri;
  return path
    .split('/')
    .map((part) => {
      try {
        return decodeURIComponent(part);
      } catch {
        return part;
      }
    })
    .join('/');
}

// A previous `--format sarif` report as baseline entries: ruleId, the secretHash/v1 fingerprint
// and the first location's URI (results without them are not entries).
function sarifEntries(log: SarifLog): unknown[] {
  // Any shape may come in (a hand-edited or foreign file): a run without a results list adds no entries,
  // a result that is not an object becomes an entry without fields, reported as such by the caller.
  return log.runs.flatMap((run) =>
    (Array.isArray((run as { results?: unknown } | null)?.results) ? (run.results as unknown[]) : []).map((r) => {
      const result = (r !== null && typeof r === 'object' ? r : {}) as {
        ruleId?: unknown;
        partialFingerprints?: Record<string, unknown>;
        locations?: { physicalLocation?: { artifactLocation?: { uri?: unknown } } }[];
      };
      const uri = result.locations?.[0]?.physicalLocation?.artifactLocation?.uri;
      return {
        secret_hash: result.partialFingerprints?.['secretHash/v1'],
        file: typeof uri === 'string' ? fileOfUri(uri) : undefined,
        rule: result.ruleId,
      };
    }),
  );
}

/**
 * Reads a baseline file: our own baseline format, a previous `--format json` report (an array
 * of findings or an object with `findings`), or a previous `--format sarif` report. Entries match
 * on secret_hash + file + rule.
 *
 * @example
 * ```ts
 * const accepted = readBaseline('.tokenwarden-baseline.json');
 * ```
 */
export function readBaseline(path: string): Set<string> {
  let doc: unknown;
  try {
    doc = JSON.parse(readFileSync(path, 'utf8'));
  } catch (e) {
    throw new TokenWardenError(
      'TW_SCAN_BASELINE_INVALID',
      // JSON.parse quotes the start of the text ("ghp_u8jzPd"...): a secret when the wrong file is named.
      `baseline ${path} is not readable JSON: ${(e as Error).message.split('\n')[0]?.replace(/, ".*"(?:\.\.\.)? is not valid JSON$/, ' (not valid JSON)')}`,
      {
        hint: 'create one with: tokenwarden scan --write-baseline FILE',
      },
    );
  }
  const list = Array.isArray(doc) ? doc : isSarif(doc) ? sarifEntries(doc) : (doc as { findings?: unknown } | null)?.findings;
  if (!Array.isArray(list)) {
    throw new TokenWardenError('TW_SCAN_BASELINE_INVALID', `baseline ${path} has no findings list`, {
      hint: 'expected {"version":1,"findings":[...]}',
    });
  }
  const out = new Set<string>();
  list.forEach((entry: unknown, i) => {
    const e = entry as Partial<BaselineEntry> | null;
    if (!e || typeof e.secret_hash !== 'string' || typeof e.file !== 'string' || typeof e.rule !== 'string') {
      throw new TokenWardenError('TW_SCAN_BASELINE_INVALID', `baseline ${path}: entry ${i + 1} lacks secret_hash, file or rule`, {
        hint: 'regenerate it with --write-baseline',
      });
    }
    out.add(key(e as BaselineEntry));
  });
  return out;
}

/**
 * True when the baseline accepts this finding.
 *
 * @example
 * ```ts
 * findings.filter((f) => !inBaseline(accepted, f));
 * ```
 */
export function inBaseline(accepted: Set<string>, f: Pick<Finding, 'secret_hash' | 'file' | 'rule'>): boolean {
  return accepted.has(key(f));
}

/**
 * Writes a baseline of the given findings (no secrets: only hashes, files and rules).
 *
 * @example
 * ```ts
 * writeBaseline('.tokenwarden-baseline.json', report.findings);
 * ```
 */
export function writeBaseline(path: string, findings: readonly Pick<Finding, 'secret_hash' | 'file' | 'rule'>[]): void {
  const unique = new Map<string, BaselineEntry>();
  for (const f of findings) unique.set(key(f), { secret_hash: f.secret_hash, file: f.file, rule: f.rule });
  const doc: Baseline = {
    version: 1,
    findings: [...unique.values()].sort((a, b) => a.file.localeCompare(b.file) || a.rule.localeCompare(b.rule)),
  };
  writeFileSync(path, `${JSON.stringify(doc, null, 2)}\n`, { mode: 0o644 });
}
