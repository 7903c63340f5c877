/**
 * Memory layout of one profile: a region of a shared slab seen as float64 scalars, uint32 sketches and uint8
 * histograms/registers, which makes snapshots a plain byte copy. Each of the three parts starts with what a
 * profile *learns* (`F_LEARNED`, `U_LEARNED`, `B_LEARNED`); a principal's profile has only that part
 * (`PRINCIPAL_BYTES`), a credential's also its detector state (`PROFILE_BYTES`).
 */
import { topKSlots } from '../sketches/top-k.js';

/** Rule slots (dedupe and corroboration bookkeeping), in detector order. */
export const RULES = [
  'new_place',
  'impossible_travel',
  'concurrent_use',
  'new_client',
  'unusual_time',
  'probing',
  'data_access',
  'privileged_change',
  'token_lifecycle',
  'attack_chain',
] as const;
/** A rule name. */
export type RuleName = (typeof RULES)[number];
/** Slot index of each rule. */
export const RULE_INDEX: Readonly<Record<RuleName, number>> = Object.fromEntries(RULES.map((r, i) => [r, i])) as Record<RuleName, number>;

/** Top-k sizes. */
export const K_IP = 8;
export const K_ASN = 6;
export const K_COUNTRY = 4;
export const K_CITY = 6;
export const K_CLIENT = 4;
export const K_TLS = 3;
export const K_PRIV = 8;
export const PROBE_SET = 24;
export const RECENT = 4;

// float64 slots
export const F_FIRST_TS = 0;
export const F_LAST_TS = 1;
export const F_EVENTS = 2;
export const F_INTERACTIVE = 3;
export const F_SCRIPTED = 4;
export const F_HOUR_TOTAL = 5;
export const F_FAIL_EWMA = 6; // share of auth failures, slow EWMA
export const F_PRIV_EVENTS = 7;
/** The scalars above are what a profile learns (a principal's profile has only these); the rest is credential state. */
export const F_LEARNED = 8;
export const F_GEO_LAT = 59;
export const F_GEO_LON = 8;
export const F_PROBE_START = 9;
export const F_PROBE_EVENTS = 10;
export const F_PROBE_FAILS = 11;
export const F_PROBE_MAX_DISTINCT = 12;
export const F_BOLA_LAST_ID = 13;
export const F_BOLA_RUN = 14;
export const F_BOLA_TS = 15;
export const F_VOL_HOUR = 16;
export const F_VOL_READS = 17;
export const F_VOL_BYTES = 18;
export const F_VOL_EWMA_READS = 19;
export const F_VOL_EWMA_BYTES = 20;
export const F_VOL_HOURS = 21;
export const F_VOL_MAX_READS = 22;
export const F_DPOP_START = 23;
export const F_DPOP_COUNT = 24;
export const F_RISK = 25;
export const F_RISK_TS = 26;
export const F_SUSPICION_TS = 27;
export const F_SUSPICION = 28;
export const F_STAGE_TS = 29; // 8 slots, indexed by ATTACK_STAGES position
export const F_RULE_TS = 37; // 10 slots, indexed by RULE_INDEX
export const F_RECENT_TS = 47; // RECENT slots
export const F_RECENT_LAT = 51;
export const F_RECENT_LON = 55;
export const F_CONC_SWITCHES = 60;
export const F_CONC_TS = 61;
export const F_PROBE_DISTINCT = 62;
export const F_VOL_MAX_BYTES = 63;
export const F_VOL_ALERT_HOUR = 64;
export const F_GUARD_SINCE = 65;
export const F_GEO_TS = 66;
export const F_PRIV_BURST = 67; // current burst of unaccustomed privileged changes: start ms * 16 + count (<= 15)
export const F_SESSION_DEVICE = 68; // hash of the device a session credential was first used from (0: none seen)
export const F_FIRST_PRIV_TS = 69; // when the credential's first privileged change was learned (0: none)
export const F_RETURN_ASN = 70; // the network coming back under suspicion with only novelty findings (0: none)
export const F_RETURN_DAYS = 71; // its last UTC day * 16 + distinct days seen (<= 15)
// The unbaselined chain (no learned baseline to judge the context by): its first change within the chain window,
// ms * 4 + 1 when it created access for another identity + 2 when it switched monitoring off (0: none yet). When
// it first looked around is the stage slot of STAGE_NONE, which the attack chain never uses (an issued key
// inherits it with the issuer's stages).
export const F_COLD_DAMAGE = 72;
export const F_COLD_RECON_TS = F_STAGE_TS;
// A session's returns to a line in one town it had just left (same-town concurrency): start ms * 16 + count (<= 15).
export const F_SESSION_HOPS = 73;
// The browser a session credential was first used in (family and OS hash) * 1024 + the newest major version it ran.
export const F_SESSION_BROWSER = 74;
export const F_SLOTS = 75;

// uint32 slots (a top-k sketch takes topKSlots(k): the keys, then 16-bit counts two to a slot)
export const U_IP = 0;
export const U_ASN = U_IP + topKSlots(K_IP);
export const U_COUNTRY = U_ASN + topKSlots(K_ASN);
export const U_CITY = U_COUNTRY + topKSlots(K_COUNTRY);
export const U_CLIENT = U_CITY + topKSlots(K_CITY);
export const U_TLS = U_CLIENT + topKSlots(K_CLIENT);
export const U_PRIV = U_TLS + topKSlots(K_TLS);
/** The top-k sets above are what a profile learns (all a principal's profile has); the rest is credential state. */
export const U_LEARNED = (U_PRIV + topKSlots(K_PRIV) + 1) & ~1; // even: a principal's region stays 8-byte aligned
export const U_PROBE_SET = U_LEARNED;
export const U_RECENT_ASN = U_PROBE_SET + PROBE_SET;
export const U_RECENT_ORG = U_RECENT_ASN + RECENT;
export const U_RECENT_KIND = U_RECENT_ORG + RECENT;
export const U_GEO_ASN = U_RECENT_KIND + RECENT;
export const U_GEO_KIND = U_GEO_ASN + 1;
export const U_GEO_ORG = U_GEO_KIND + 1;
export const U_BOLA_TPL = U_GEO_ORG + 1;
export const U_LAST_ASN = U_BOLA_TPL + 1;
export const U_SLOTS = U_LAST_ASN + 1;

// uint8 slots
export const B_HOURS = 0; // 168 buckets
export const OP_BLOOM_BYTES = 64;
export const RES_BLOOM_BYTES = 128;
export const B_OP_BLOOM = B_HOURS + 168; // operations ever called
export const B_RES_BLOOM = B_OP_BLOOM + OP_BLOOM_BYTES; // resource classes ever read
/** The hours and blooms above are what a profile learns (all a principal's profile has). */
export const B_LEARNED = B_RES_BLOOM + RES_BLOOM_BYTES;
/**
 * Distinct source IPs of the credential, for alert evidence only: 16 registers (about 26% standard error on
 * large counts; small counts are exact enough by linear counting).
 */
export const HLL_IP_REGISTERS = 16;
/** Distinct resource classes read: 64 registers (about 13%) since it decides whether a credential is a broad reader. */
export const HLL_RES_REGISTERS = 64;
export const B_HLL_IP = B_LEARNED;
export const B_HLL_RES = B_HLL_IP + HLL_IP_REGISTERS;
export const B_RULE_SEV = B_HLL_RES + HLL_RES_REGISTERS; // 10 slots: rank in bits 0-2 (0 none, 1 low … 4 critical), latest stage reported in bits 3-5
/**
 * The unbaselined chain's data reads since it first looked around (saturating at 255). It lives in what was the
 * region's padding, so the region keeps its size and a snapshot written before it reads back with zero reads.
 */
export const B_COLD_READS = B_RULE_SEV + RULES.length;
const B_USED = B_COLD_READS + 1;
/** Padded so a credential's region is a multiple of 8 bytes (slabs hold them back to back). */
export const B_SLOTS = B_USED + ((8 - ((F_SLOTS * 8 + U_SLOTS * 4 + B_USED) % 8)) % 8);

/** Bytes of one credential profile's region. */
export const PROFILE_BYTES = F_SLOTS * 8 + U_SLOTS * 4 + B_SLOTS;
/** Bytes of one principal profile's region: the learned part only (the same offsets, cut short). */
export const PRINCIPAL_BYTES = F_LEARNED * 8 + U_LEARNED * 4 + B_LEARNED;
