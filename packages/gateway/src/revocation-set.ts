import type { RevocationEntry, RevocationKind } from './credential-source.js';
import type { VerifiedCredential } from './verified-credential.js';

/**
 * The local set of revocations every request is checked against, in memory so the check costs a
 * few map lookups. `jti` and `key` entries kill one credential; `grant` and `client` entries kill every token of that grant or client; a `subject` entry (sign-out) kills
 * the subject's tokens issued before it, so tokens issued afterwards keep working. API keys are
 * covered by `key` entries (the token service marks them in the store). Entries are dropped once they expire.
 *
 * @example
 * ```ts
 * const set = new RevocationSet();
 * set.apply([{ seq: 1, kind: 'key', value: 'key_1', revoked_at: new Date().toISOString() }]);
 * set.revokedBy({ kind: 'api_key', id: 'key_1', ... }); // 'key'
 * ```
 */
export class RevocationSet {
  private readonly byKind: Record<RevocationKind, Map<string, { revokedAt: number; expiresAt: number }>> = {
    jti: new Map(),
    key: new Map(),
    grant: new Map(),
    subject: new Map(),
    client: new Map(),
  };
  /** Highest `seq` applied. */
  seq = 0;
  private lastPrune = Date.now();

  /** Adds entries (idempotent); returns those that were new. */
  apply(entries: readonly RevocationEntry[]): RevocationEntry[] {
    const added: RevocationEntry[] = [];
    for (const e of entries) {
      const map = this.byKind[e.kind];
      if (!map) continue;
      const revokedAt = Date.parse(e.revoked_at);
      const expiresAt = e.expires_at ? Date.parse(e.expires_at) : Number.POSITIVE_INFINITY;
      const existing = map.get(e.value);
      if (!existing || existing.revokedAt < revokedAt) {
        map.set(e.value, {
          revokedAt: Number.isNaN(revokedAt) ? Date.now() : revokedAt,
          expiresAt: Number.isNaN(expiresAt) ? Number.POSITIVE_INFINITY : expiresAt,
        });
        added.push(e);
      }
      if (e.seq > this.seq) this.seq = e.seq;
    }
    if (Date.now() - this.lastPrune > 60_000) this.prune();
    return added;
  }

  /** Replaces the whole set (a full resync). */
  replace(entries: readonly RevocationEntry[]): void {
    for (const map of Object.values(this.byKind)) map.clear();
    this.seq = 0;
    this.apply(entries);
  }

  /** Which entry kills this credential, or undefined when it is live. */
  revokedBy(c: VerifiedCredential): RevocationKind | undefined {
    // Runs on every request. An empty map is skipped on its size: usually most kinds have no
    // entry, and hashing the value into an empty table (cold in the cache, on a busy server) is
    // wasted. A non-empty map is always asked.
    const { jti, key, grant, client, subject } = this.byKind;
    if (c.id) {
      if ((c.kind === 'jwt' || c.kind === 'opaque') && jti.size !== 0 && jti.has(c.id)) return 'jti';
      if ((c.kind === 'api_key' || c.kind === 'service_account_token') && key.size !== 0 && key.has(c.id)) return 'key';
    }
    // A revoked grant or client kills every token of it, whenever issued (as the token service's
    // own introspection does); a subject sign-out only kills what was issued before it.
    if (c.grantId && grant.size !== 0 && grant.has(c.grantId)) return 'grant';
    if (c.kind === 'jwt' || c.kind === 'opaque') {
      if (c.clientId && client.size !== 0 && client.has(c.clientId)) return 'client';
      if (c.subject && subject.size !== 0 && this.coversIssue(subject.get(c.subject), c.issuedAt ?? Number.NEGATIVE_INFINITY))
        return 'subject';
    }
    return undefined;
  }

  /** Number of live entries. */
  get size(): number {
    let n = 0;
    for (const map of Object.values(this.byKind)) n += map.size;
    return n;
  }

  private coversIssue(entry: { revokedAt: number } | undefined, issuedAt: number): boolean {
    return entry !== undefined && issuedAt <= entry.revokedAt;
  }

  private prune(): void {
    const now = Date.now();
    this.lastPrune = now;
    for (const map of Object.values(this.byKind)) for (const [k, v] of map) if (v.expiresAt < now) map.delete(k);
  }
}
