import { ATTACK_STAGES } from '@tokenwarden/core';
import { F_STAGE_TS } from './profile/layout.js';
import type { Profile } from './profile/profile.js';

/**
 * Which credential handed out which: the session keys of an `sts:AssumeRole`, the access key of an
 * `iam:CreateAccessKey`, as the logs' responses name them. Bounded: past `max` links the oldest go first.
 *
 * @example
 * ```ts
 * const lineage = new CredentialLineage();
 * lineage.remember('ASIA...SESSION', 'AKIA...STOLEN');
 * lineage.issuerOf('ASIA...SESSION'); // 'AKIA...STOLEN'
 * ```
 */
export class CredentialLineage {
  private readonly issuers = new Map<string, string>();
  private readonly max: number;

  constructor(max = 100_000) {
    this.max = Math.max(1, max);
  }

  /** Links remembered. */
  get size(): number {
    return this.issuers.size;
  }

  /** Remembers that `issuer` handed out `issued`. */
  remember(issued: string, issuer: string): void {
    if (issued === issuer || this.issuers.get(issued) === issuer) return;
    if (this.issuers.size >= this.max) {
      const oldest = this.issuers.keys().next().value;
      if (oldest !== undefined) this.issuers.delete(oldest);
    }
    this.issuers.set(issued, issuer);
  }

  /** The credential that handed out `issued`, when the logs showed it. */
  issuerOf(issued: string): string | undefined {
    return this.issuers.get(issued);
  }
}

/**
 * Starts an issued credential where its issuer is: on its first event, with the issuer's attack-chain stages
 * (so the chain goes on across the new keys instead of starting from nothing).
 *
 * @example
 * ```ts
 * if (session.events === 0) inheritChainStages(session, stolenKey);
 * ```
 */
export function inheritChainStages(cred: Profile, issuer: Profile): void {
  for (let s = 0; s < ATTACK_STAGES.length; s++) {
    const ts = issuer.f[issuer.fo + F_STAGE_TS + s]!;
    if (ts !== 0 && cred.f[cred.fo + F_STAGE_TS + s] === 0) cred.f[cred.fo + F_STAGE_TS + s] = ts;
  }
}
