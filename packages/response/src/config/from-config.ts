import type { AutoConfig, ResolvedResponseSignals } from '@tokenwarden/config';
import type { CredentialKind, Severity } from '@tokenwarden/core';
import type { AutoResponsePolicy } from '../containment/auto-policy.js';
import type { GuardPolicy } from '../safety/responder-guard.js';
import { SET_EVENT_TYPES } from '../signals/security-event-token.js';
import { type DispatchResult, SignalDispatcher } from '../signals/signal-dispatcher.js';
import { type SsfSigningKey, ssfSigningKey } from '../signals/ssf-signing-key.js';
import { SsfTransmitter } from '../signals/ssf-transmitter.js';

const EVENT_URI = {
  'session-revoked': SET_EVENT_TYPES.sessionRevoked,
  'credential-change': SET_EVENT_TYPES.credentialChange,
  'credential-compromise': SET_EVENT_TYPES.credentialCompromise,
} as const;

/**
 * The automatic-response policy of a `response.auto` config section. `dryRun`, when given (the
 * `--dry-run` flag), overrides the section's `dry_run`.
 *
 * @example
 * ```ts
 * const policy = autoPolicyFrom(cfg.response.auto, opts.dryRun);
 * ```
 */
export function autoPolicyFrom(auto: AutoConfig, dryRun?: boolean): AutoResponsePolicy {
  return {
    enabled: auto.enabled,
    dry_run: dryRun ?? auto.dry_run,
    rules: auto.policy.map((r) => ({
      min_severity: r.min_severity as Severity,
      ...(r.credential_kinds ? { credential_kinds: r.credential_kinds as CredentialKind[] } : {}),
      actions: [...r.actions],
    })),
  };
}

/**
 * The responder guard's limits from a `response.auto` section: the automatic actions a minute and
 * the allowlist that automatic response never touches.
 *
 * @example
 * ```ts
 * const guard = new ResponderGuard(guardPolicyFrom(cfg.response.auto));
 * ```
 */
export function guardPolicyFrom(auto: AutoConfig): GuardPolicy {
  return {
    maxAutoActionsPerMinute: auto.max_actions_per_minute,
    allowlist: { credentials: [...auto.allowlist.credentials], principals: [...auto.allowlist.principals] },
  };
}

/** Options of {@link signalDispatcherFrom}. */
export interface SignalDispatcherFromOptions {
  /** The data directory holding the SSF signing key. */
  dataDir: string;
  onResult?: (result: DispatchResult) => void;
  fetchImpl?: typeof fetch;
  /** Retries per delivery (default 3, with backoff). */
  retries?: number;
}

/**
 * The signal dispatcher for resolved `response` signals (webhooks, SSF receivers), with the SSF
 * signing key from the data directory. `ssfKey` is undefined when no SSF section is configured.
 *
 * @example
 * ```ts
 * const { dispatcher } = await signalDispatcherFrom(resolveResponseSignals(cfg.response, process.env), { dataDir: cfg.data });
 * ```
 */
export async function signalDispatcherFrom(
  signals: ResolvedResponseSignals,
  o: SignalDispatcherFromOptions,
): Promise<{ dispatcher: SignalDispatcher; ssfKey?: SsfSigningKey }> {
  let ssf: SsfTransmitter | undefined;
  let ssfKey: SsfSigningKey | undefined;
  if (signals.ssf) {
    ssfKey = await ssfSigningKey(o.dataDir, signals.ssf.issuer);
    ssf = new SsfTransmitter(
      ssfKey.signer,
      signals.ssf.receivers.map((r, i) => ({
        id: `receiver-${i}:${new URL(r.url).host}`,
        endpoint: r.url,
        audience: r.audience,
        ...(r.authorization ? { authorization: r.authorization } : {}),
        ...(r.events ? { events_requested: r.events.map((e) => EVENT_URI[e]) } : {}),
      })),
      o.fetchImpl,
      o.retries ?? 3,
    );
  }
  const dispatcher = new SignalDispatcher({
    webhooks: signals.webhooks.map((w) => ({ ...w, ...(o.retries === undefined ? {} : { retries: o.retries }) })),
    ...(ssf ? { ssf } : {}),
    ...(o.onResult ? { onResult: o.onResult } : {}),
    ...(o.fetchImpl ? { fetchImpl: o.fetchImpl } : {}),
  });
  return { dispatcher, ...(ssfKey ? { ssfKey } : {}) };
}
