import type { BlockList } from './block-list.js';
import type { ClientInfo } from './client-info.js';
import type { RevocationSet } from './revocation-set.js';
import type { VerifiedCredential } from './verified-credential.js';

/** One admitted exchange that is still open: a WebSocket tunnel or a response still streaming. */
export interface LiveSession {
  readonly credential: VerifiedCredential | undefined;
  readonly client: ClientInfo;
  /** Cuts the exchange off (destroys both sides); called at most once. */
  readonly end: (reason: string) => void;
}

/** Why a held session may no longer stay open, or undefined while it may. */
export type SessionVerdict = (session: LiveSession) => string | undefined;

/** How often held sessions are checked for an expired credential (ms). */
const EXPIRY_SWEEP_MS = 1_000;

/**
 * Exchanges admitted once but still open. A request is checked when it arrives; a WebSocket tunnel
 * or a long streamed response (server-sent events, a large download) outlives that check, so a
 * stolen token revoked or blocked mid-stream would keep its open connection for as long as the
 * attacker holds it. The guard re-judges every held session when a revocation or block order
 * lands, and ends a session within a second of its credential's expiry. Holding costs a set
 * insertion (every proxied response is held while it streams): no timer per session, one sweep a
 * second while any is open.
 *
 * @example
 * ```ts
 * const release = sessions.hold(decision.credential, decision.client, () => socket.destroy());
 * socket.on('close', release);
 * sessions.recheck((s) => (revoked(s.credential) ? 'revoked' : undefined));
 * ```
 */
export class LiveSessions {
  private readonly open = new Set<LiveSession>();
  private sweeper: NodeJS.Timeout | undefined;

  /**
   * Holds an open exchange until the returned release is called. `end` runs when a recheck refuses
   * it, or once its credential's `expiresAt` has passed, whichever comes first.
   */
  hold(credential: VerifiedCredential | undefined, client: ClientInfo, end: (reason: string) => void): () => void {
    const held: LiveSession = { credential, client, end };
    this.open.add(held);
    if (this.sweeper === undefined) {
      this.sweeper = setInterval(() => this.sweepExpired(), EXPIRY_SWEEP_MS);
      this.sweeper.unref();
    }
    return () => this.release(held);
  }

  /** Ends every held session `verdict` refuses; returns how many it ended. */
  recheck(verdict: SessionVerdict): number {
    let ended = 0;
    for (const held of [...this.open]) {
      const reason = verdict(held);
      if (reason === undefined) continue;
      this.close(held, reason);
      ended++;
    }
    return ended;
  }

  /** Sessions open now. */
  get size(): number {
    return this.open.size;
  }

  private sweepExpired(): void {
    // Stopped here rather than on release, so steady one-at-a-time traffic does not start and stop it per request.
    if (this.open.size === 0 && this.sweeper !== undefined) {
      clearInterval(this.sweeper);
      this.sweeper = undefined;
      return;
    }
    const now = Date.now();
    this.recheck((s) => (s.credential?.expiresAt !== undefined && s.credential.expiresAt <= now ? 'credential expired' : undefined));
  }

  private close(held: LiveSession, reason: string): void {
    if (!this.release(held)) return;
    held.end(reason);
  }

  private release(held: LiveSession): boolean {
    return this.open.delete(held);
  }
}

/**
 * The verdict the guard re-judges open sessions with: the address or its ASN blocked, the
 * credential revoked or blocked.
 *
 * @example
 * ```ts
 * sessions.recheck(revokedOrBlocked(guard.revocations, guard.blocks, (ip) => ipInfo.lookup(ip)?.asn));
 * ```
 */
export function revokedOrBlocked(revocations: RevocationSet, blocks: BlockList, asnOf: (ip: string) => number | undefined): SessionVerdict {
  return ({ credential, client }) => {
    if (blocks.isIpBlocked(client.ip) || blocks.isAsnBlocked(asnOf(client.ip))) return 'address blocked';
    if (credential === undefined) return undefined;
    const revokedBy = revocations.revokedBy(credential);
    if (revokedBy) return `revoked by ${revokedBy}`;
    return blocks.isCredentialBlocked(credential.id) ? 'credential blocked' : undefined;
  };
}
