import type { AsnKind, EnrichedEvent } from '../../enriched-event.js';
import type { OperationClass } from '../classify/operation-class.js';
import type { PathShape } from '../classify/path-template.js';
import type { DetectionConfig } from '../config.js';
import type { SourceWindow } from '../lifecycle-events.js';
import type { RuleName } from '../profile/layout.js';
import type { OrgStats } from '../profile/org-stats.js';
import type { Profile } from '../profile/profile.js';
import type { RefusalWave } from '../refusal-waves.js';

/**
 * What one detector concluded about one event, before calibration into an alert.
 *
 * @example
 * ```ts
 * const f: Finding = { rule: 'new_place', score: 40, stage: 0, summary: 'first use from AS64500', evidence: {}, noveltyOnly: true, suspicion: 40 };
 * ```
 */
export interface Finding {
  rule: RuleName;
  /** Strength of the evidence, 0-100, before corroboration and caps. */
  score: number;
  /** Attack-stage position (see `STAGE_*`). */
  stage: number;
  summary: string;
  /** What was new, against which baseline, with counts and thresholds. */
  evidence: Record<string, unknown>;
  /** Pure novelty (place, client, time, data): cannot page alone, nor during the learning period. */
  noveltyOnly: boolean;
  /**
   * Novelty strong enough to page on its own, even while the credential is learned (a tool made for abusing stolen
   * cloud keys on a key that never ran it): exempt from the learning-period and corroboration caps, still at most
   * high, as novelty is.
   */
  pagesAlone?: boolean;
  /** How much this makes the credential's context look attacker-driven (feeds the chain tracker), 0-100. */
  suspicion: number;
  /** New information every time (a chain reaching a new stage): emitted even inside the dedupe window. */
  alwaysReport?: boolean;
  /**
   * Reaching a later stage than this rule already reported inside the dedupe window is news (a trail stopped
   * after a user was made): emitted even at the same severity.
   */
  laterStageIsNews?: boolean;
}

/**
 * Everything a detector needs about the current event, computed once by the engine and reused
 * (one mutable object per engine, so the hot path allocates nothing).
 *
 * @example
 * ```ts
 * function detectSomething(ctx: DetectionContext, out: Finding[]): void {
 *   if (ctx.authFailure) out.push(...);
 * }
 * ```
 */
export interface DetectionContext {
  ev: EnrichedEvent;
  /** Event time, epoch ms. */
  now: number;
  cfg: DetectionConfig;
  cred: Profile;
  principal: Profile;
  org: OrgStats;
  cls: OperationClass;
  shape: PathShape;
  /** Hash of the operation (name or method+template); 0 when the event names no operation. */
  opHash: number;
  /** Hash of the resource class read or written. */
  resourceHash: number;
  principalHash: number;
  ipHash: number;
  /**
   * ASN number; for an address no database knows, the key of its unregistered network (see
   * `unregisteredNetwork`); 0 without an address.
   */
  asn: number;
  /** Display name of an unregistered network (`internal network`, `198.51.100.0/24`), else undefined. */
  networkLabel: string | undefined;
  /** Hash of the AS organisation name, 0 when unknown (two ASNs of one cloud share it). */
  orgHash: number;
  countryHash: number;
  cityHash: number;
  clientHash: number;
  tlsHash: number;
  /** Hash of the event's device id (Okta's device token hash, a client device id), 0 without one. */
  deviceHash: number;
  kind: AsnKind;
  /** Coordinates present. */
  hasCoords: boolean;
  credMature: boolean;
  principalMature: boolean;
  /** 401/403/404 or an access-denied style error (not throttling, not 5xx). */
  authFailure: boolean;
  /** The request was driven by a script or was explicitly non-interactive. */
  scripted: boolean;
  /** How novel the place is (0-100), set by the new-place detector. */
  placeNovelty: number;
  /** How novel the client is (0-100), set by the new-client detector. */
  clientNovelty: number;
  /**
   * A privileged change made from a familiar place and client by a credential that was not already suspicious (set
   * by the privileged-change detector): it joins the credential's and principal's habits even when its own alert keeps
   * the rest of the event out of the baseline, so an administrator is not paged for the same change every session.
   */
  familiarChange: boolean;
  /** Checksum failures from this event's source IP in the current window (maintained by the engine). */
  sprayCount: number;
  /**
   * When this event is a never-seen credential refused: its source IP's window of refused never-seen credentials and
   * of successful calls (maintained by the engine); otherwise undefined.
   */
  unknownSpray: SourceWindow | undefined;
  /** When this event is a never-seen credential refused: the organisation's current window of them; else undefined. */
  refusalWave: RefusalWave | undefined;
  /**
   * Current suspicion of the credential's context (0-100), decayed, before this event's findings; at least that
   * of the credential that issued it (see `issuedBy`).
   */
  suspicion: number;
  /**
   * An OAuth app using a person's token from the network and HTTP client it already serves other people from (its
   * own servers: see `isKnownAppBackend`): neither the place nor the client is news.
   */
  appBackend: boolean;
  /** The credential whose call handed this one out (STS session keys, a new access key), when the logs showed it. */
  issuedBy: string | undefined;
}

/** A detector: reads the context, appends findings. */
export type Detector = (ctx: DetectionContext, out: Finding[]) => void;
