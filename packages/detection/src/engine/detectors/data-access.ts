import { STAGE_COLLECTION } from '../classify/operation-class.js';
import {
  B_HLL_RES,
  B_RES_BLOOM,
  F_VOL_ALERT_HOUR,
  F_VOL_BYTES,
  F_VOL_EWMA_BYTES,
  F_VOL_EWMA_READS,
  F_VOL_HOUR,
  F_VOL_HOURS,
  F_VOL_MAX_BYTES,
  F_VOL_MAX_READS,
  F_VOL_READS,
  HLL_RES_REGISTERS,
  RES_BLOOM_BYTES,
} from '../profile/layout.js';
import type { Profile } from '../profile/profile.js';
import { bloomHas } from '../sketches/bloom.js';
import { hllEstimate } from '../sketches/hyperloglog.js';
import { familiarContext } from './baseline-knowledge.js';
import { round2 } from './evidence.js';
import type { DetectionContext, Finding } from './types.js';

const HOUR_MS = 3_600_000;
/** A credential that already reads this many distinct resources treats one more as routine. */
const BROAD_READER_RESOURCES = 40;

function rollHour(p: Profile, now: number, alpha: number): void {
  const f = p.f;
  const fo = p.fo;
  const hour = Math.floor(now / HOUR_MS);
  if (hour === f[fo + F_VOL_HOUR]) return;
  const reads = f[fo + F_VOL_READS]!;
  if (reads > 0) {
    // A spike that was alerted on must not become the baseline.
    const alerted = f[fo + F_VOL_ALERT_HOUR] === f[fo + F_VOL_HOUR];
    if (!alerted) {
      const first = f[fo + F_VOL_HOURS] === 0;
      f[fo + F_VOL_EWMA_READS] = first ? reads : f[fo + F_VOL_EWMA_READS]! + alpha * (reads - f[fo + F_VOL_EWMA_READS]!);
      f[fo + F_VOL_EWMA_BYTES] = first
        ? f[fo + F_VOL_BYTES]!
        : f[fo + F_VOL_EWMA_BYTES]! + alpha * (f[fo + F_VOL_BYTES]! - f[fo + F_VOL_EWMA_BYTES]!);
      f[fo + F_VOL_MAX_READS] = Math.max(f[fo + F_VOL_MAX_READS]! * 0.99, reads);
      f[fo + F_VOL_MAX_BYTES] = Math.max(f[fo + F_VOL_MAX_BYTES]! * 0.99, f[fo + F_VOL_BYTES]!);
      f[fo + F_VOL_HOURS] = f[fo + F_VOL_HOURS]! + 1;
    }
  }
  f[fo + F_VOL_HOUR] = hour;
  f[fo + F_VOL_READS] = 0;
  f[fo + F_VOL_BYTES] = 0;
}

/**
 * Detector 7, data never accessed before. (a) A data read (object, secret, table, export, user list) on a
 * resource class that neither the credential nor its principal ever read, once the credential has a learned
 * baseline; credentials that already read many distinct resources score less. (b) A read-volume spike: this
 * hour's reads or bytes reach `spikeFactor` times the EWMA of the credential's active hours and twice its
 * decayed busiest hour, above absolute floors (`spikeMinReads`, `spikeMinBytes`) — bulk exfiltration. A spike
 * from the credential's familiar place and client, with nothing else suspicious, is context that cannot page alone.
 *
 * @example
 * ```ts
 * detectDataAccess(ctx, findings);
 * ```
 */
export function detectDataAccess(ctx: DetectionContext, out: Finding[]): void {
  const { cred, principal, cfg, cls } = ctx;
  const da = cfg.dataAccess;
  rollHour(cred, ctx.now, da.ewmaAlpha);
  if (!cls.read) return;
  const f = cred.f;
  const fo = cred.fo;
  f[fo + F_VOL_READS] = f[fo + F_VOL_READS]! + 1;
  const bytes = ctx.ev.bytes_out ?? 0;
  f[fo + F_VOL_BYTES] = f[fo + F_VOL_BYTES]! + bytes;
  if (
    cls.dataRead &&
    (ctx.credMature || ctx.principalMature) &&
    !bloomHas(cred.b, cred.bo + B_RES_BLOOM, RES_BLOOM_BYTES, ctx.resourceHash) &&
    !bloomHas(principal.b, principal.bo + B_RES_BLOOM, RES_BLOOM_BYTES, ctx.resourceHash)
  ) {
    const distinct = hllEstimate(cred.b, cred.bo + B_HLL_RES, HLL_RES_REGISTERS);
    const score = da.newResourceScore * (distinct >= BROAD_READER_RESOURCES ? 0.5 : 1) + (cls.stage === STAGE_COLLECTION ? 5 : 0);
    out.push({
      rule: 'data_access',
      score,
      stage: STAGE_COLLECTION,
      summary: `first read of ${ctx.ev.resource ?? cls.name} by this credential and principal`,
      evidence: {
        kind: 'new_resource',
        operation: cls.name,
        resource: ctx.ev.resource,
        baseline: { distinct_resources_read: distinct, credential_events: cred.events },
      },
      noveltyOnly: true,
      suspicion: 0,
    });
  }
  if (f[fo + F_VOL_HOURS]! < da.minBaselineHours) return;
  const reads = f[fo + F_VOL_READS]!;
  const total = f[fo + F_VOL_BYTES]!;
  const readSpike =
    reads >= da.spikeMinReads && reads >= da.spikeFactor * Math.max(1, f[fo + F_VOL_EWMA_READS]!) && reads >= 2 * f[fo + F_VOL_MAX_READS]!;
  const byteSpike =
    bytes > 0 &&
    total >= da.spikeMinBytes &&
    total >= da.spikeFactor * Math.max(1, f[fo + F_VOL_EWMA_BYTES]!) &&
    total >= 2 * f[fo + F_VOL_MAX_BYTES]!;
  if (!readSpike && !byteSpike) return;
  // Once per hour: the first crossing raises it; later events in the same hour only escalate through dedupe.
  if (f[fo + F_VOL_ALERT_HOUR] === f[fo + F_VOL_HOUR]) return;
  f[fo + F_VOL_ALERT_HOUR] = f[fo + F_VOL_HOUR]!;
  const ratio = readSpike ? reads / Math.max(1, f[fo + F_VOL_EWMA_READS]!) : total / Math.max(1, f[fo + F_VOL_EWMA_BYTES]!);
  const score = Math.min(80, 50 + 5 * Math.log2(ratio / da.spikeFactor + 1));
  // From the credential's own place and client, nothing yet suspicious: its owner's busy day (month-end, an audit)
  // looks the same. Context for other findings then, not a page of its own.
  const familiar = familiarContext(ctx);
  out.push({
    rule: 'data_access',
    score,
    stage: STAGE_COLLECTION,
    summary: `read volume spike: ${reads} reads / ${Math.round(total / 1024)} KiB this hour, ${round2(ratio)}x the usual`,
    evidence: {
      kind: 'volume_spike',
      reads_this_hour: reads,
      bytes_this_hour: total,
      baseline: {
        ewma_reads_per_active_hour: round2(f[fo + F_VOL_EWMA_READS]!),
        ewma_bytes_per_active_hour: Math.round(f[fo + F_VOL_EWMA_BYTES]!),
        busiest_hour_reads: Math.round(f[fo + F_VOL_MAX_READS]!),
        active_hours: f[fo + F_VOL_HOURS],
      },
      familiar_context: familiar,
      thresholds: { spike_factor: da.spikeFactor, min_reads: da.spikeMinReads, min_bytes: da.spikeMinBytes },
    },
    noveltyOnly: familiar,
    suspicion: 0,
  });
}
