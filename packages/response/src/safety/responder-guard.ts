/** Limits on automatic (policy-driven) actions, so a detection bug cannot lock everyone out. */
export interface GuardPolicy {
  /** At most this many automatic containment actions in any rolling minute; more need a human. */
  maxAutoActionsPerMinute: number;
  /** Never act automatically on these (break-glass accounts, the on-call's own key, CI of the responder). */
  allowlist: { credentials: readonly string[]; principals: readonly string[] };
}

/** The default: 10 automatic actions a minute, nothing allowlisted. */
export const DEFAULT_GUARD_POLICY: GuardPolicy = { maxAutoActionsPerMinute: 10, allowlist: { credentials: [], principals: [] } };

/** What an automatic action touches, and on whose behalf it is taken (see {@link ResponderGuard.admit}). */
export interface GuardTarget {
  credential?: string;
  principal?: string;
  /** The credentials the action answers (the incident's): allowlisted, they hold it too. */
  credentials?: readonly (string | undefined)[];
  /** The principals the action answers (the incident credential's owner): allowlisted, they hold it too. */
  principals?: readonly (string | undefined)[];
}

/** Why an automatic action was held back for a human. */
export type GuardDecision = { allowed: true } | { allowed: false; reason: 'allowlisted' | 'rate_limited'; detail: string };

/**
 * Gatekeeper for automatic response: refuses actions on allowlisted credentials or principals,
 * and caps the number of automatic actions per rolling minute. Manual actions bypass it (a human
 * decided), but are still audited.
 *
 * @example
 * ```ts
 * const guard = new ResponderGuard({ ...DEFAULT_GUARD_POLICY, maxAutoActionsPerMinute: 5 });
 * const d = guard.admit({ credential: 'key_1', principal: 'alice' });
 * if (!d.allowed) escalateToHuman(d.detail);
 * ```
 */
export class ResponderGuard {
  private readonly recent: number[] = [];

  constructor(private readonly policy: GuardPolicy = DEFAULT_GUARD_POLICY) {}

  /**
   * Decides whether one automatic action may run now; counts it when it may. `credential` and
   * `principal` are what the action touches; `credentials` and `principals` what it is taken
   * on behalf of (the incident's credential and its owner): an allowlisted one holds every action
   * of its incident, not only those aimed at it, since blocking its source address or signing its
   * owner out locks the break-glass holder out just as well.
   */
  admit(target: GuardTarget, now = Date.now()): GuardDecision {
    const credential = [target.credential, ...(target.credentials ?? [])].find(
      (c) => c !== undefined && this.policy.allowlist.credentials.includes(c),
    );
    if (credential) return { allowed: false, reason: 'allowlisted', detail: `credential ${credential} is on the response allowlist` };
    const principal = [target.principal, ...(target.principals ?? [])].find(
      (p) => p !== undefined && this.policy.allowlist.principals.includes(p),
    );
    if (principal) return { allowed: false, reason: 'allowlisted', detail: `principal ${principal} is on the response allowlist` };
    while (this.recent.length > 0 && (this.recent[0] as number) <= now - 60_000) this.recent.shift();
    if (this.recent.length >= this.policy.maxAutoActionsPerMinute) {
      return {
        allowed: false,
        reason: 'rate_limited',
        detail: `${this.recent.length} automatic actions in the last minute (limit ${this.policy.maxAutoActionsPerMinute}); a human must confirm more`,
      };
    }
    this.recent.push(now);
    return { allowed: true };
  }
}
