import type { CredentialSource } from './credential-source.js';
import type { VerifiedCredential } from './verified-credential.js';

/**
 * Tells the credential source when an API key or service-account token was last used, at most once
 * per key per minute: enough for "last used", and the store is not written on every request.
 *
 * @example
 * ```ts
 * const notes = new KeyUseNotes(source);
 * notes.note(credential, '203.0.113.7', Date.now());
 * ```
 */
export class KeyUseNotes {
  private readonly seen = new Map<string, number>();

  constructor(private readonly source: Pick<CredentialSource, 'recordKeyUse'>) {}

  /** Records a use of `credential` from `ip` unless one was recorded in the last minute. */
  note(credential: VerifiedCredential, ip: string, now: number): void {
    if (credential.kind !== 'api_key' && credential.kind !== 'service_account_token') return;
    const last = this.seen.get(credential.id);
    if (last !== undefined && now - last < 60_000) return;
    if (this.seen.size > 100_000) this.seen.clear();
    this.seen.set(credential.id, now);
    this.source.recordKeyUse(credential.id, new Date(now), ip).catch(() => {});
  }
}
