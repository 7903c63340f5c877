import type { AccessEvent } from '@tokenwarden/core';
import type { KeySlot } from './pipeline/reorder-buffer.js';

/**
 * Kind of network an ASN belongs to; drives how much a new location means. `security_proxy` is a company's
 * secure web gateway (Zscaler, Netskope, iboss...): where managed devices of an organisation reach the internet.
 */
export type AsnKind = 'hosting' | 'vpn' | 'tor' | 'mobile' | 'residential' | 'business' | 'satellite' | 'security_proxy' | 'unknown';

/** Offline IP enrichment: location and network. */
export interface GeoInfo {
  country?: string;
  city?: string;
  lat?: number;
  lon?: number;
  asn?: number;
  as_org?: string;
  asn_kind: AsnKind;
}

/** Parsed user agent and whether it looks scripted (curl, SDKs, bots). */
export interface ClientInfo {
  family: string;
  os?: string;
  device?: string;
  scripted: boolean;
  /** A browser's major version (`131` for Chrome 131.0.6778.86); undefined for scripts, apps and unknown agents. */
  major?: number;
  /** The offensive distribution or tool the user agent names (`Kali Linux`, `Pacu`, `TruffleHog`). */
  offensive?: string;
  /**
   * The offensive name is a tool made for exploiting or validating stolen cloud keys (Stratus Red Team, Pacu,
   * TruffleHog, CloudFox, enumerate-iam, WeirdAAL), not a penetration-testing desktop or a web scanner.
   */
  cloudKeyTool?: boolean;
  /**
   * An authenticator app (Okta Verify, Duo Mobile, Microsoft Authenticator): a person's phone enrolling or answering
   * a factor, beside the browser session it serves by design.
   */
  authenticator?: boolean;
}

/**
 * An access event after normalisation and enrichment: the unit every detector consumes.
 * `credential_key` is the credential id as it appears in the input (what alerts report).
 * `ts` is the event time in epoch milliseconds.
 */
export interface EnrichedEvent extends AccessEvent {
  ts: number;
  credential_key: string;
  geo?: GeoInfo;
  client?: ClientInfo;
  /** Lifecycle signal carried by this event (revoked token presented, reuse, canary, DPoP failure...). */
  lifecycle?: string;
  /** True when the event arrived later than the reorder tolerance allowed and is out of event-time order. */
  late?: boolean;
  /**
   * The reorder buffer's slot of the event's `credential_key`, when the event came through one (not part of the
   * event's data: state shared by the pipeline's stages, never serialised).
   */
  key_slot?: KeySlot;
}
