import type { CredentialVerifier } from './credential-verifier.js';
import type { GatewayGuardOptions } from './gateway-guard-options.js';
import type { RevocationSet } from './revocation-set.js';
import { RevocationSync } from './revocation-sync.js';

/**
 * The guard's {@link RevocationSync}: keeps `revocations` fresh from the options' source at the
 * config's poll and resync intervals (woken early by the options' signal or watched files), and
 * when new entries land, drops the verifier's cached lookups they may concern, then calls
 * `recheckSessions` so that open tunnels and streams they revoke are ended.
 *
 * @example
 * ```ts
 * const sync = guardRevocationSync(options, revocations, verifier, () => sessions.recheck(judge));
 * await sync.start();
 * ```
 */
export function guardRevocationSync(
  options: GatewayGuardOptions,
  revocations: RevocationSet,
  verifier: CredentialVerifier,
  recheckSessions: () => void,
): RevocationSync {
  const cfg = options.config;
  return new RevocationSync(options.source, revocations, {
    pollMs: cfg.revocation.poll_ms,
    resyncMs: cfg.revocation.resync_ms,
    ...(options.watchFiles ? { watchFiles: options.watchFiles } : {}),
    ...(options.revocationSignal ? { signal: options.revocationSignal } : {}),
    onApplied: (entries) => {
      // Key lookups are cached without an issue time: drop them so the store's status is re-read.
      // Grant and client revocations cannot be mapped to keys here: forget every cached lookup.
      if (entries.some((e) => e.kind === 'grant' || e.kind === 'client')) verifier.evict(() => true);
      const subjects = new Set(entries.filter((e) => e.kind === 'subject').map((e) => e.value));
      if (subjects.size > 0) verifier.evict((s) => s === undefined || subjects.has(s));
      recheckSessions();
    },
    ...(options.onRevocationError ? { onError: options.onRevocationError } : {}),
  });
}
