import { sha256Hex } from '@tokenwarden/core/formats';
import { redactSecret } from './text/redact.js';
import type { Finding, RawFinding } from './types.js';

/**
 * The serialisable view of a finding: the secret replaced by its SHA-256 and a redacted match,
 * unless `showSecret` (the `--show-secrets` flag) asks for it.
 *
 * @example
 * ```ts
 * JSON.stringify(toPublicFinding(raw, false)); // no secret inside
 * ```
 */
export function toPublicFinding(f: RawFinding, showSecret: boolean): Finding {
  const { secret, ...rest } = f;
  return {
    rule: rest.rule,
    description: rest.description,
    file: rest.file,
    line: rest.line,
    column: rest.column,
    match: redactSecret(secret),
    secret_hash: sha256Hex(secret),
    severity: rest.severity,
    confidence: rest.confidence,
    ...(rest.details ? { details: rest.details } : {}),
    ...(rest.encoding ? { encoding: rest.encoding } : {}),
    ...(rest.reason ? { reason: rest.reason } : {}),
    ...(rest.commit ? { commit: rest.commit, author: rest.author ?? '', date: rest.date ?? '' } : {}),
    ...(rest.cell !== undefined ? { cell: rest.cell } : {}),
    ...(showSecret ? { secret } : {}),
  };
}
