import { detectAttackChain } from './attack-chain.js';
import { detectCloudAbuse } from './cloud-abuse.js';
import { detectConcurrentUse } from './concurrent-use.js';
import { detectDataAccess } from './data-access.js';
import { detectHostedEscalation } from './hosted-escalation.js';
import { detectImpossibleTravel } from './impossible-travel.js';
import { detectInstanceCredentialOutside } from './instance-credential.js';
import { detectLogExpiry } from './log-expiry.js';
import { detectNewClient } from './new-client.js';
import { detectNewPlace } from './new-place.js';
import { APP_BACKENDS_MEMORY, ONBOARDED_GRANTS_MEMORY } from './oauth-app-backend.js';
import { detectOAuthStranger } from './oauth-token-stranger.js';
import { detectOktaTakeover } from './okta-takeover.js';
import type { OrgMemory } from './org-memory.js';
import { ACCOUNTS_SEEN_MEMORY, detectOutsideGrant } from './outside-grant.js';
import { detectPrivilegedChange } from './privileged-change.js';
import { detectProbing } from './probing.js';
import { REVOCATIONS_MEMORY } from './revocations.js';
import { detectRootUsage } from './root-usage.js';
import { detectSecretHarvest, SECRETS_READ_MEMORY } from './secret-harvest.js';
import { detectSessionTravel } from './session-travel.js';
import { detectTokenLifecycle } from './token-lifecycle.js';
import type { Detector } from './types.js';
import { detectUnusualTime } from './unusual-time.js';
import { detectVendorVerdict } from './vendor-verdict.js';

/**
 * The detectors in evaluation order: place and client first (they set novelty others read), the identity provider's
 * verdict on their findings, the playbooks that need no baseline, the chain last (it reads the suspicion this event's
 * other findings raised). Kept apart from the engine so that adding a detector touches one short list.
 *
 * @example
 * ```ts
 * for (let i = 0; i < DETECTORS.length; i++) DETECTORS[i]!(ctx, findings);
 * ```
 */
export const DETECTORS: readonly Detector[] = [
  detectNewPlace,
  detectNewClient,
  detectOAuthStranger,
  detectImpossibleTravel,
  detectSessionTravel,
  detectConcurrentUse,
  detectVendorVerdict,
  detectUnusualTime,
  detectProbing,
  detectDataAccess,
  detectPrivilegedChange,
  detectRootUsage,
  detectLogExpiry,
  detectTokenLifecycle,
  detectCloudAbuse,
  detectOktaTakeover,
  detectSecretHarvest,
  detectInstanceCredentialOutside,
  detectOutsideGrant,
  detectHostedEscalation,
  detectAttackChain,
];

/**
 * The detectors that read a refused sign-in (`sign_in_attempt`: a wrong password or a refused factor before any
 * session): MFA fatigue counts the refusals. The rest judge a credential's use, which a refused guess is not.
 *
 * @example
 * ```ts
 * const detectors = ev.attributes?.sign_in_attempt === true ? ATTEMPT_DETECTORS : DETECTORS;
 * ```
 */
export const ATTEMPT_DETECTORS: readonly Detector[] = [detectOktaTakeover];

/**
 * The detectors' long-lived memories of the organisation, saved in the engine's snapshot beside the profiles. The
 * detectors' short windows (minutes to hours: a sweep, a fatigue burst, a quiet period) are not: a restart starts them
 * again.
 *
 * @example
 * ```ts
 * const saved = saveOrgMemories(ORG_MEMORIES, org);
 * ```
 */
export const ORG_MEMORIES: readonly OrgMemory[] = [
  ACCOUNTS_SEEN_MEMORY,
  SECRETS_READ_MEMORY,
  REVOCATIONS_MEMORY,
  APP_BACKENDS_MEMORY,
  ONBOARDED_GRANTS_MEMORY,
];
