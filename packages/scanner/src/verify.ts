import { parseTwToken } from '@tokenwarden/core/formats';
import type { RawFinding, VerificationResult } from './types.js';

/**
 * Checks whether a found secret is live. Implementations receive the raw finding (with the
 * secret) and must never log or echo the secret. The scanner ships an offline format verifier;
 * an operator plugs live checks (an HTTP call to the provider's "who am I" endpoint, for example)
 * by implementing this interface and routing rules to it with {@link RoutingVerifier}.
 *
 * @example
 * ```ts
 * const githubLive: Verifier = {
 *   async verify(f) {
 *     const res = await fetch('https://api.github.com/user', { headers: { authorization: `token ${f.secret}` } });
 *     return res.status === 200 ? { status: 'live', detail: 'GitHub accepted it' } : { status: 'invalid', detail: `HTTP ${res.status}` };
 *   },
 * };
 * ```
 */
export interface Verifier {
  verify(finding: RawFinding): Promise<VerificationResult>;
}

/** Result of a revocation attempt. */
export interface RevocationResult {
  revoked: boolean;
  detail: string;
}

/**
 * Revokes a found secret (only our own `tw_` tokens have a revoker; third-party tokens are revoked
 * at their provider). `reason` describes where the secret was found and ends up in the audit log.
 *
 * @example
 * ```ts
 * await revoker.revoke(finding, 'leaked in src/app.ts:12 (commit abc123)');
 * ```
 */
export interface Revoker {
  revoke(finding: RawFinding, reason: string): Promise<RevocationResult>;
}

/**
 * Offline verifier: no network. Our `tw_` tokens are checked by checksum; third-party findings
 * are reported `unknown` (the format and checksum matched, liveness is not known), expired JWTs
 * `invalid`.
 *
 * @example
 * ```ts
 * await new OfflineFormatVerifier().verify(finding); // { status: 'unknown', detail: '...' }
 * ```
 */
export class OfflineFormatVerifier implements Verifier {
  async verify(finding: RawFinding): Promise<VerificationResult> {
    if (finding.rule === 'tokenwarden-token') {
      return parseTwToken(finding.secret)
        ? { status: 'unknown', detail: 'checksum valid; pass --data to check it against the token service' }
        : { status: 'invalid', detail: 'not a checksum-valid tw_ token' };
    }
    if (finding.details?.expired === true) return { status: 'invalid', detail: `expired at ${String(finding.details.exp)}` };
    return { status: 'unknown', detail: 'format valid (offline check only; plug in a live Verifier for this provider)' };
  }
}

/**
 * Routes each finding to the verifier registered for its rule id (or its provider prefix, the
 * part of the rule id before the first dash), falling back to another verifier.
 *
 * @example
 * ```ts
 * const v = new RoutingVerifier({ 'tokenwarden-token': storeVerifier }, new OfflineFormatVerifier());
 * ```
 */
export class RoutingVerifier implements Verifier {
  constructor(
    private readonly routes: Record<string, Verifier>,
    private readonly fallback: Verifier,
  ) {}

  verify(finding: RawFinding): Promise<VerificationResult> {
    const byRule = this.routes[finding.rule] ?? this.routes[finding.rule.split('-')[0] ?? ''];
    return (byRule ?? this.fallback).verify(finding);
  }
}

/**
 * The audit reason recorded when a leaked token is revoked: where it was found.
 *
 * @example
 * ```ts
 * leakReason(finding); // "leaked: found by tokenwarden scan in src/app.ts:12 (commit 1a2b3c4d5e6f)"
 * ```
 */
export function leakReason(finding: Pick<RawFinding, 'file' | 'line' | 'commit' | 'rule'>): string {
  const where = `${finding.file}:${finding.line}`;
  return `leaked: found by tokenwarden scan in ${where}${finding.commit ? ` (commit ${finding.commit.slice(0, 12)})` : ''}`;
}
