import type { LifecycleEvent } from '@tokenwarden/core';
import type { AccessEventPublisher } from './access-sink.js';
import type { CredentialSource } from './credential-source.js';
import type { GatewayConfig } from './gateway-config.js';
import type { JtiReplayStore } from './jti-replay-store.js';
import type { IpInfoLookup } from './location-policy.js';
import type { RevocationSignal } from './revocation-sync.js';

/** Everything the guard needs; only `source` and `config` are required. */
export interface GatewayGuardOptions {
  source: CredentialSource;
  config: GatewayConfig;
  /** Turn every check off (the bench's bare proxy hop): requests are only normalised. */
  checks?: boolean;
  /** Cache verification results (default true; the bench turns it off for "introspection every request"). */
  cacheResults?: boolean;
  replayStore?: JtiReplayStore;
  /** Shared secret for stateless DPoP nonces (all gateways on one --data share it). */
  nonceSecret?: string;
  ipInfo?: IpInfoLookup;
  /** Receives access events in batches, off the request path. */
  publishAccess?: AccessEventPublisher;
  /** Collect access events for this long before handing a batch over (0: next turn of the loop). */
  accessBatchMs?: number;
  publishLifecycle?: (event: LifecycleEvent) => void | Promise<void>;
  revocationSignal?: RevocationSignal;
  /** Files whose change wakes the revocation poll (the shared SQLite WAL). */
  watchFiles?: readonly string[];
  /** Called when the revocation source cannot be read. */
  onRevocationError?: (error: unknown) => void;
  /**
   * Verify DPoP proof signatures on a second thread when several wait at once (a lone proof is
   * always verified on the event loop); overrides the config's `dpop.signature_thread`.
   */
  signatureThread?: boolean;
}
