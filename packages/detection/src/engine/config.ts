import type { AsnKind } from '../enriched-event.js';

declare module '@tokenwarden/core' {
  interface ErrorCodeRegistry {
    TW_DETECT_CONFIG_INVALID: true;
    TW_DETECT_SNAPSHOT_INVALID: true;
  }
}

/**
 * Every threshold of the detection engine. Times are in the unit named by the key; scores are 0-100.
 * Defaults are set from how real users and attackers behave (see each field); tune per deployment.
 *
 * @example
 * ```ts
 * const engine = createDetectionEngine({ probing: { ...DEFAULT_DETECTION_CONFIG.probing, distinctThreshold: 40 } });
 * ```
 */
export interface DetectionConfig {
  /** Learning period: before a credential (or its principal) has this much history, novelty alone never exceeds `medium`. */
  learning: {
    /** Events of history needed. */
    minEvents: number;
    /** Hours between first and latest event needed. */
    minHours: number;
    /**
     * A network that raised nothing but novelty (new place, new client, unusual time) and comes back on this
     * many distinct UTC days is learned, although its novelty keeps the credential under suspicion and so out
     * of learning: a user on a commercial VPN some days, a traveller on a week-long trip. Without this, such a
     * user gets a medium alert every hour of every such day, for ever. Hosting and Tor networks never qualify
     * (where stolen tokens are replayed from); any other finding while the credential is under suspicion starts the count again.
     * 0 turns it off.
     */
    returningPlaceDays: number;
  };
  /** Bounded state: how many credentials are tracked and when idle ones are forgotten. */
  profiles: {
    /** Hard cap on tracked credential profiles (and, separately, principal profiles); oldest-idle are evicted first. */
    maxCredentials: number;
    /** A profile idle (in event time) for longer than this is evicted. */
    idleTtlHours: number;
    /** Eviction sweeps run every this many events (amortised cost). */
    sweepEveryEvents: number;
  };
  /** Organisation-wide commonness: networks and clients many principals use are not novel for anyone. */
  org: {
    /** An ASN/country/client family is org-common when at least this many distinct principals used it... */
    commonMinPrincipals: number;
    /** ...and they are at least this share of all principals seen. */
    commonShare: number;
    /** Cap on distinct values tracked per org-wide dimension. */
    maxTracked: number;
  };
  /** Decaying per-credential risk and severity calibration. */
  risk: {
    /** Half-life of the per-credential risk score. */
    halfLifeHours: number;
    /** Alerts of other rules within this window corroborate a new one. */
    corroborationWindowHours: number;
    /** One alert per rule per credential per window; only an escalation is emitted again inside it. */
    dedupeWindowMinutes: number;
    /** While risk is at least this, novel places/clients are not learned into the baseline (anti-poisoning). */
    poisonGuardScore: number;
    /** The guard lifts after this long: a context that persists for days is the credential's new normal (already alerted on). */
    guardMaxHours: number;
    /** Score at or above which severity is `medium`. */
    mediumScore: number;
    /** Score at or above which severity is `high` (act now). */
    highScore: number;
    /** Score at or above which severity is `critical`. */
    criticalScore: number;
  };
  /** Detector 1: first-seen IP/ASN/country/city. */
  newPlace: {
    /** Weight (0-1) of an unknown network by ASN kind: how often that kind hosts stolen-token use. */
    kindWeight: Record<AsnKind, number>;
    /** Score of a new country (before kind weighting). */
    newCountryScore: number;
    /** Score of a new ASN in a known country. */
    newAsnScore: number;
    /** Score of a new city in a known ASN and country. */
    newCityScore: number;
    /** Findings below this score are not reported (a new IP in a known ASN and city is nearly nothing). */
    minReportScore: number;
  };
  /** Detector 2: impossible travel between consecutive geolocated events. */
  impossibleTravel: {
    /** Minimum distance between the two locations. */
    minDistanceKm: number;
    /** Faster than this is impossible (a commercial jet cruises at ~900 km/h). */
    maxSpeedKmh: number;
    /**
     * Extra distance tolerated when either side is a mobile network: carriers send a country's phones out through a
     * few CGNAT gateways, and geolocation databases place them there (a T-Mobile phone in New York geolocated to Dallas,
     * 2,200 km away).
     */
    mobileUncertaintyKm: number;
    /** Network kinds whose location says nothing about the user. */
    excludedKinds: AsnKind[];
  };
  /** Detector 3: one credential used from two networks at once. */
  concurrentUse: {
    /** Window in which two contexts count as simultaneous. */
    windowMinutes: number;
    /** Two contexts at least this far apart are concurrent even without switching back. */
    minDistanceKm: number;
    /** Otherwise, A→B→A switches needed (a laptop moving from Wi-Fi to a hotspot switches once). */
    minSwitchBacks: number;
    /**
     * A session (an Okta session, a refresh token) returning this many times to a home or office line in one town it
     * had just left for another such line, within `sessionHopWindowMinutes`, one of the lines used by no earlier
     * session of its owner: the owner and a thief behind a residential proxy in the owner's town, at once.
     */
    sessionHopReturns: number;
    /** Window of those returns: a session's events are minutes apart, not seconds. */
    sessionHopWindowMinutes: number;
    /** Returns that count however slowly they come, each within a day of the last (a thief back each evening). */
    sessionHopDayReturns: number;
  };
  /** Detector 4: new device or client. */
  newClient: {
    /** Score of a client family/OS never seen for the credential nor its principal. */
    newClientScore: number;
    /** Score of a scripted client on a credential that was always interactive. */
    scriptedOnInteractiveScore: number;
    /** Share of interactive events needed to call a credential "always interactive". */
    interactiveShare: number;
    /** Score of a TLS fingerprint change on a credential with a stable fingerprint. */
    tlsChangeScore: number;
    /**
     * Score of an offensive distribution or tool (Kali Linux, Pacu, TruffleHog) the credential and its principal
     * never used, even on a credential with no history: not scaled down for a thin baseline.
     */
    offensiveToolScore: number;
    /**
     * Score of a session credential (an Okta session, a refresh or access token) used from a device other than
     * the one it started on: a stolen session cookie or token replayed elsewhere. Not capped as novelty.
     */
    sessionDeviceChangeScore: number;
  };
  /** Detector 5: activity at an hour the credential is never active. */
  unusualTime: {
    /** Events in the hour-of-week profile before it is trusted. */
    minEvents: number;
    /** Days of history before it is trusted. */
    minDays: number;
    /** An hour of day (±1 h) holding less than this share of activity is unusual. */
    rareShare: number;
    /** Cold start: an hour of week holding less than this share of org-wide activity is unusual. */
    orgRareShare: number;
    /** Score of an unusual hour for a learned profile. */
    score: number;
    /** Score of a cold-start (org-wide) unusual hour. */
    coldStartScore: number;
  };
  /** Detector 6: probing and enumeration. */
  probing: {
    /** Tumbling window length. */
    windowSeconds: number;
    /** Distinct operations/paths in one window that count as enumeration... */
    distinctThreshold: number;
    /** ...and at least this multiple of the credential's own busiest window. */
    baselineFactor: number;
    /** Auth failures (401/403/404, AccessDenied) in one window that count as a burst... */
    failureThreshold: number;
    /** ...when they are at least this share of the window's requests. */
    failureRatio: number;
    /** Sequential numeric ids on one endpoint (BOLA walk) that raise an alert. */
    bolaRun: number;
    /** Largest id step still counted as sequential. */
    bolaMaxStep: number;
    /**
     * Slow permission reconnaissance (`refused_reconnaissance`): this many distinct operations the credential and its
     * principal never used, refused... (a thief who does not know what a key may do tries at a person's pace)
     */
    refusedDistinct: number;
    /** ...within this window. */
    refusedWindowMinutes: number;
    /** Score of such reconnaissance alone... */
    refusedScore: number;
    /** ...and from a place or client new to a credential with an hour of history. */
    refusedCorroboratedScore: number;
  };
  /** Detector 7: data never accessed before and read-volume spikes. */
  dataAccess: {
    /** Score of a data read on a resource class never seen for the credential nor principal. */
    newResourceScore: number;
    /** Hourly reads above this multiple of the EWMA baseline are a spike... */
    spikeFactor: number;
    /** ...and above this absolute number of reads... */
    spikeMinReads: number;
    /** ...or above this many bytes read in the hour (with the factor applied to bytes). */
    spikeMinBytes: number;
    /** Active hours of baseline needed before spikes are judged. */
    minBaselineHours: number;
    /** EWMA smoothing of the hourly baseline. */
    ewmaAlpha: number;
  };
  /** Detector 8: privileged change without a user action. */
  privileged: {
    /** Base score of creating identities, keys or tokens. */
    persistenceScore: number;
    /** Base score of granting permissions. */
    grantScore: number;
    /** Base score of disabling alerts or audit logging. */
    defenseEvasionScore: number;
    /** Base score of a credential managing its own keys from a familiar context. */
    selfKeyScore: number;
    /** Added when the call is non-interactive on a credential that is usually interactive, or from a novel context. */
    contextBonus: number;
    /**
     * Privileged changes behind a non-interactive credential from which it counts as change-making automation
     * (Terraform, deploys): from its familiar context a never-made change is then novelty, not a page.
     */
    changeMakerEvents: number;
    /** Highest score of a change by change-making automation from its familiar context. */
    changeMakerMaxScore: number;
    /** Window (minutes) over which a credential's unaccustomed privileged changes count as one burst. */
    burstWindowMinutes: number;
    /** Unaccustomed changes within the window from which each further one scores `burstBonus` more. */
    burstMinChanges: number;
    /** Added per unaccustomed change past `burstMinChanges - 1` in the window (at most twice). */
    burstBonus: number;
    /** Added to a grant of administrator-level access (AdministratorAccess, `"Action": "*"`, an Okta admin role). */
    adminGrantBonus: number;
  };
  /** Detector 9: token lifecycle signals. */
  lifecycle: {
    /** Window for DPoP-failure and checksum-failure counts. */
    windowMinutes: number;
    /** DPoP proof failures in the window that form a spike. */
    dpopFailures: number;
    /** API-key checksum failures from one source IP in the window that form a spray. */
    checksumFailures: number;
    /**
     * Never-seen credentials refused from one source IP in the window that form a spray (a key list tried from one
     * machine), provided at most a fifth as many calls from that address succeeded (a load balancer is not one).
     */
    unknownCredentials: number;
    /**
     * Never-seen credentials refused across the whole organisation in the window that form a distributed spray (a
     * key list tried from many addresses, a few keys each), when also `waveFactor` times the usual count per window
     * and from at least three addresses.
     */
    waveCredentials: number;
    /** How far above the organisation's usual count of refused never-seen credentials per window a wave must be. */
    waveFactor: number;
    /** Stream time before a wave is judged: at the start of a log every credential is never-seen. */
    waveLearningHours: number;
  };
  /** Detector 10: attack-chain stage tracking. */
  chain: {
    /** Stages reached within this window belong to one chain (low and slow attacks span days). */
    windowHours: number;
    /** Suspicion (0-100, from place/client/probing/lifecycle findings) needed for stages to count as attacker progress. */
    contextMinScore: number;
    /** Distinct stages that make a chain `high`. */
    highStages: number;
    /**
     * Days of history (the credential's or its principal's, whichever is longer) before an operation it never used
     * advances the chain from a familiar context without a capability probe (`GetCallerIdentity`, `/me`) in the chain:
     * a new colleague's first week is one new operation after another.
     */
    novelOperationMinDays: number;
    /**
     * A credential with no baseline that looked around and then switched monitoring off (the unbaselined chain): no
     * owner's first days explain it.
     */
    unbaselinedBlindedScore: number;
    /** ...after also making access for another identity. */
    unbaselinedBlindedAndPersistedScore: number;
    /** Looking around, then making access for another identity, over Tor (unless Tor is common in the organisation). */
    unbaselinedPersistedOverTorScore: number;
    /**
     * Data reads after looking around from which the unbaselined chain takes any change to monitoring (a trail's
     * selectors, an alarm deleted) as switching it off: a key that has just carried off data is not a new owner tuning them.
     */
    unbaselinedBulkReads: number;
  };
  /** The identity provider's own verdicts in its log (Okta's risk, threat and session detections; `vendor-verdict.ts`). */
  vendorVerdict: {
    /** A session the provider saw move onto a device this credential and its owner never used: a copied cookie. */
    sessionMovedScore: number;
    /** A request that succeeded from an address the provider's threat intelligence flags, new to the credential and owner. */
    flaggedSourceScore: number;
    /** The same flag on an address the owner uses (a shared NAT, a café): worth a look. */
    flaggedKnownSourceScore: number;
    /** The provider rating a request high risk from an unfamiliar context: novelty with a second opinion. */
    highRiskScore: number;
    /** The same through an anonymising proxy, Tor or a rented server its owner does not work from. */
    hiddenHighRiskScore: number;
    /** Added to the engine's own novelty finding on the same event by a high vendor risk or a session move. */
    highRiskBoost: number;
  };
  /**
   * Playbook: a key turned into money (`cloud-abuse.ts`): compute or LLM region sweeps, mail sending, ransom, public
   * shares. Counts are within one window per credential.
   */
  cloudAbuse: {
    /** Steps of one playbook count together within this window. */
    windowHours: number;
    /** Score of a completed playbook. */
    score: number;
    /** Regions with compute launched (or dry-run) that make a sweep. */
    computeRegions: number;
    /** GPU or other accelerated instances asked for that make a mining fleet in one region. */
    acceleratedInstances: number;
    /** Large (8xlarge and up, metal) instances asked for that make a fleet. */
    largeInstances: number;
    /** Regions with a model invoked, listed or probed that make an LLM sweep... */
    llmRegions: number;
    /** ...of which this many refused the call for a reason other than capacity. */
    llmRefusedRegions: number;
    /** Objects rewritten with a customer-supplied key (SSE-C) that make data held for ransom. */
    sseCObjects: number;
    /** Objects or versions deleted that make data destroyed. */
    deletedObjects: number;
    /** Backups or recovery points deleted that make recovery gone. */
    deletedBackups: number;
  };
  /** Playbook: many secrets read in minutes (`secret-harvest.ts`). */
  secretHarvest: {
    /** Distinct secrets the identity never read before that make a harvest... */
    secrets: number;
    /** ...within this window. */
    windowMinutes: number;
    /** Score of a harvest after a listing or by the bulk API from outside AWS, or from a suspicious context. */
    score: number;
    /** Score of any other harvest (a workload on Amazon's network reading many new secrets): worth a look. */
    readManyScore: number;
  };
  /** Playbook: access handed to an account the logs never showed (`outside-grant.ts`). */
  outsideGrant: {
    score: number;
  };
  /** Playbook: a cold key on a hosting network escalating (`hosted-escalation.ts`). */
  hostedEscalation: {
    score: number;
    /** One alert per credential per this many hours; the chain tells the rest. */
    repeatAfterHours: number;
  };
  /** Playbook: an EC2 instance's role session used outside AWS (`instance-credential.ts`). */
  instanceCredential: {
    score: number;
    /** One alert per credential per this many hours. */
    repeatAfterHours: number;
  };
  /** Playbook: the audit-log bucket set to expire its objects (`log-expiry.ts`). */
  logExpiry: {
    score: number;
    /** A lifecycle rule expiring the audit bucket's objects within this many days blinds. */
    shortExpiryDays: number;
  };
  /** Playbooks: identity-provider takeovers in Okta's log (`okta-takeover.ts`). */
  oktaTakeover: {
    /** Score of MFA fatigue, an anonymised admin, a reset-and-escalate. */
    score: number;
    /** Score of a new identity provider used to sign in as other people. */
    impersonationScore: number;
    /** Push challenges count together within this window... */
    fatigueWindowMinutes: number;
    /** ...and this many refused ones... */
    fatigueRefusals: number;
    /** ...or this many sent make fatigue (when one is then accepted). */
    fatiguePushes: number;
    /** A credential's resets of other people and its escalation count together within this window. */
    escalationWindowMinutes: number;
    /** Sign-ins through an identity provider created or changed this recently are suspect. */
    idpTaintHours: number;
    /** Distinct people signed in through such a provider that make impersonation. */
    impersonatedUsers: number;
  };
}

/**
 * Defaults tuned to page rarely: high/critical need corroboration, strong evidence (canary, revoked token,
 * defense evasion from a novel context) or a chain of stages.
 *
 * @example
 * ```ts
 * console.log(DEFAULT_DETECTION_CONFIG.impossibleTravel.maxSpeedKmh); // 900
 * ```
 */
export const DEFAULT_DETECTION_CONFIG: DetectionConfig = {
  learning: { minEvents: 30, minHours: 72, returningPlaceDays: 3 },
  profiles: { maxCredentials: 1_000_000, idleTtlHours: 24 * 45, sweepEveryEvents: 1 << 16 },
  org: { commonMinPrincipals: 5, commonShare: 0.05, maxTracked: 50_000 },
  risk: {
    halfLifeHours: 12,
    corroborationWindowHours: 24,
    dedupeWindowMinutes: 60,
    poisonGuardScore: 65,
    guardMaxHours: 48,
    mediumScore: 40,
    highScore: 65,
    criticalScore: 85,
  },
  newPlace: {
    kindWeight: {
      tor: 1,
      hosting: 0.9,
      vpn: 0.75,
      unknown: 0.6,
      residential: 0.5,
      business: 0.45,
      mobile: 0.4,
      satellite: 0.4,
      // A company's secure web gateway: only that company's enrolled devices come out of it, and its exit
      // (the gateway's nearest data centre, often another country) says little about where the person is.
      security_proxy: 0.3,
    },
    newCountryScore: 55,
    newAsnScore: 40,
    newCityScore: 15,
    minReportScore: 20,
  },
  impossibleTravel: {
    minDistanceKm: 500,
    maxSpeedKmh: 900,
    mobileUncertaintyKm: 2500,
    excludedKinds: ['vpn', 'tor', 'satellite', 'security_proxy'],
  },
  concurrentUse: {
    windowMinutes: 5,
    minDistanceKm: 500,
    minSwitchBacks: 2,
    sessionHopReturns: 2,
    sessionHopWindowMinutes: 60,
    sessionHopDayReturns: 3,
  },
  newClient: {
    newClientScore: 30,
    scriptedOnInteractiveScore: 55,
    interactiveShare: 0.97,
    tlsChangeScore: 25,
    offensiveToolScore: 70,
    sessionDeviceChangeScore: 70,
  },
  unusualTime: { minEvents: 40, minDays: 7, rareShare: 0.01, orgRareShare: 0.002, score: 30, coldStartScore: 20 },
  probing: {
    windowSeconds: 60,
    distinctThreshold: 25,
    baselineFactor: 3,
    failureThreshold: 10,
    failureRatio: 0.5,
    bolaRun: 10,
    bolaMaxStep: 2,
    refusedDistinct: 5,
    refusedWindowMinutes: 30,
    refusedScore: 55,
    refusedCorroboratedScore: 70,
  },
  dataAccess: {
    newResourceScore: 30,
    spikeFactor: 8,
    spikeMinReads: 200,
    spikeMinBytes: 16 * 1024 * 1024,
    minBaselineHours: 12,
    ewmaAlpha: 0.1,
  },
  privileged: {
    persistenceScore: 50,
    grantScore: 55,
    defenseEvasionScore: 70,
    selfKeyScore: 25,
    contextBonus: 20,
    changeMakerEvents: 1,
    changeMakerMaxScore: 50,
    burstWindowMinutes: 60,
    burstMinChanges: 3,
    burstBonus: 15,
    adminGrantBonus: 15,
  },
  lifecycle: {
    windowMinutes: 10,
    dpopFailures: 5,
    checksumFailures: 20,
    unknownCredentials: 20,
    waveCredentials: 50,
    waveFactor: 5,
    waveLearningHours: 1,
  },
  chain: {
    windowHours: 24 * 7,
    contextMinScore: 45,
    highStages: 3,
    novelOperationMinDays: 7,
    unbaselinedBlindedScore: 75,
    unbaselinedBlindedAndPersistedScore: 90,
    unbaselinedPersistedOverTorScore: 75,
    unbaselinedBulkReads: 10,
  },
  vendorVerdict: {
    sessionMovedScore: 72,
    flaggedSourceScore: 75,
    flaggedKnownSourceScore: 45,
    highRiskScore: 55,
    hiddenHighRiskScore: 70,
    highRiskBoost: 15,
  },
  cloudAbuse: {
    windowHours: 6,
    score: 75,
    computeRegions: 3,
    acceleratedInstances: 4,
    largeInstances: 10,
    llmRegions: 3,
    llmRefusedRegions: 2,
    sseCObjects: 5,
    deletedObjects: 10,
    deletedBackups: 2,
  },
  secretHarvest: { secrets: 10, windowMinutes: 15, score: 75, readManyScore: 55 },
  outsideGrant: { score: 75 },
  hostedEscalation: { score: 75, repeatAfterHours: 6 },
  instanceCredential: { score: 80, repeatAfterHours: 1 },
  logExpiry: { score: 75, shortExpiryDays: 7 },
  oktaTakeover: {
    score: 75,
    impersonationScore: 85,
    fatigueWindowMinutes: 60,
    fatigueRefusals: 3,
    fatiguePushes: 6,
    escalationWindowMinutes: 60,
    idpTaintHours: 24,
    impersonatedUsers: 2,
  },
};
