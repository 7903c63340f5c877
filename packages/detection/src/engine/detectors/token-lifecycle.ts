import type { SourceWindow } from '../lifecycle-events.js';
import { F_DPOP_COUNT, F_DPOP_START, K_CLIENT, K_IP, U_CLIENT, U_IP } from '../profile/layout.js';
import type { RefusalWave } from '../refusal-waves.js';
import { topKCount } from '../sketches/top-k.js';
import { detectDeadCredentialReplay } from './dead-credential-replay.js';
import { round2 } from './evidence.js';
import { lifecycleFinding } from './lifecycle-finding.js';
import { noteRotation, racesItsRotation } from './refresh-rotations.js';
import { revokedAt } from './revocations.js';
import type { DetectionContext, Finding } from './types.js';

/**
 * The exact address and client the credential already used, with no novelty to speak of: the device that held the
 * token (a stale client retrying, two tabs racing a refresh). Stricter than `familiarContext` in
 * baseline-knowledge.ts, which asks only that place and client be the owner's.
 */
function holdersOwnDevice(ctx: DetectionContext): boolean {
  const ipKnown = ctx.ipHash !== 0 && topKCount(ctx.cred.u, ctx.cred.uo + U_IP, K_IP, ctx.ipHash) > 0;
  const clientKnown = ctx.clientHash === 0 || topKCount(ctx.cred.u, ctx.cred.uo + U_CLIENT, K_CLIENT, ctx.clientHash) > 0;
  return ipKnown && clientKnown && ctx.placeNovelty < 20 && ctx.clientNovelty < 20;
}

/** Novelty of place or client from which a presentation comes from somewhere its holder is not. */
const UNFAMILIAR_NOVELTY = 30;

/** True when the place or the client is new enough for a presentation to be someone else's. */
function unfamiliarContext(ctx: DetectionContext): boolean {
  return ctx.placeNovelty >= UNFAMILIAR_NOVELTY || ctx.clientNovelty >= UNFAMILIAR_NOVELTY;
}

/**
 * Requests within this long after a revocation may have been in flight when it happened, or be stamped by a clock a
 * little behind the token service's.
 */
const REVOCATION_GRACE_MS = 10_000;

/** A request with a credential revoked or suspended earlier in the stream, whatever the log says of the token. */
function presentedAfterRevocation(ctx: DetectionContext, out: Finding[]): void {
  const at = revokedAt(ctx.org, ctx.cred.key);
  if (at === undefined || ctx.now - at <= REVOCATION_GRACE_MS) return;
  const familiar = holdersOwnDevice(ctx);
  const status = ctx.ev.status;
  const accepted = ctx.ev.outcome !== 'failure' && !ctx.authFailure && (status === undefined || status < 400);
  const unfamiliar = unfamiliarContext(ctx);
  const score = accepted ? (familiar ? 75 : 92) : familiar ? 45 : unfamiliar ? 88 : 72;
  const after = Math.max(1, Math.round((ctx.now - at) / 60_000));
  out.push(
    lifecycleFinding(
      ctx,
      score,
      accepted ? 'revoked_token_accepted' : 'revoked_token_presented',
      accepted
        ? `token revoked ${after} min earlier still accepted: the revocation has not reached this system${familiar ? '' : ', and it is used from an unfamiliar context'}`
        : `revoked token presented${familiar ? ' by its previous device (stale client?)' : ''}`,
      { familiar_context: familiar, revoked_at: new Date(at).toISOString(), accepted },
    ),
  );
}

/**
 * Detector 9, token lifecycle. Signals the token service and gateway raise about the token itself:
 * - `canary.used`: a decoy credential that no legitimate process holds → critical;
 * - revoked token presented: high, critical from an unfamiliar context, medium from the exact device and
 *   network that held it before revocation (a stale client retrying) or, from nowhere new, within
 *   `REVOCATION_GRACE_MS` of the revocation (a request in flight when its refresh family was revoked);
 * - refresh-token reuse: the OAuth theft signal; medium when it is the same device and network (a refresh race
 *   between two tabs): the credential's own, or the address, client and TLS fingerprint that rotated it within
 *   `REFRESH_RACE_MS` (a refresh token is used once, so it has no history of its own); high otherwise;
 * - DPoP proof or client-authentication failures: `dpopFailures` in `windowMinutes` (someone holds the token but not the key);
 * - token reported exposed: medium, and it makes the context suspicious so later use from new places chains;
 * - API-key checksum failures: `checksumFailures` from one source IP in the window (guessing/spraying keys);
 * - a credential that worked, refused with 401 ten times in 30 minutes from a network it never used (a revoked or
 *   expired token replayed, in logs that only say 401: dead-credential-replay.ts);
 * - never-seen credentials refused: `unknownCredentials` from one source IP in the window, with at most a fifth as
 *   many successful calls from it (a key list or leaked-token dump tried from one machine, in logs that cannot
 *   see a checksum);
 * - expired token presented: only reported from an unfamiliar context (clients retry expired tokens all the time);
 * - any request with a credential the stream revoked or suspended before (`token.revoked`, `token.suspended`, more
 *   than `REVOCATION_GRACE_MS` earlier; `token.reinstated` lifts it), even in a log that does not say the token was
 *   refused: refused, as a revoked token presented; accepted, the revocation never reached that system, high even
 *   from the holder's own device and network, critical from elsewhere.
 *
 * @example
 * ```ts
 * detectTokenLifecycle(ctx, findings);
 * ```
 */
export function detectTokenLifecycle(ctx: DetectionContext, out: Finding[]): void {
  const lc = ctx.ev.lifecycle;
  if (lc === undefined || lc.length === 0) {
    if (ctx.unknownSpray !== undefined) unknownCredentialSpray(ctx, ctx.unknownSpray, out);
    if (ctx.refusalWave !== undefined) distributedSpray(ctx, ctx.refusalWave, out);
    else if (ctx.authFailure) detectDeadCredentialReplay(ctx, out);
    presentedAfterRevocation(ctx, out);
    return;
  }
  const cfg = ctx.cfg.lifecycle;
  const familiar = holdersOwnDevice(ctx);
  if (lc === 'canary.used') {
    out.push(
      lifecycleFinding(ctx, 100, 'canary', 'canary credential used: no legitimate process holds it', { familiar_context: familiar }),
    );
    return;
  }
  const unfamiliar = unfamiliarContext(ctx);
  if (lc === 'token.revoked_use') {
    // Presented seconds after the revocation from nowhere new: a request already in flight, or a client not yet told
    // (a token its refresh family's revocation took away a second ago).
    const at = revokedAt(ctx.org, ctx.cred.key);
    const inFlight = !unfamiliar && at !== undefined && ctx.now >= at && ctx.now - at <= REVOCATION_GRACE_MS;
    const score = familiar || inFlight ? 45 : unfamiliar ? 88 : 72;
    const why = familiar ? ' by its previous device (stale client?)' : inFlight ? ' seconds after its revocation (in flight?)' : '';
    out.push(
      lifecycleFinding(ctx, score, 'revoked_token_presented', `revoked token presented${why}`, {
        familiar_context: familiar,
        ...(at === undefined ? {} : { revoked_at: new Date(at).toISOString() }),
      }),
    );
    return;
  }
  if (lc === 'refresh_token.reuse_detected') {
    // A fresh token has no history to be familiar with: the rotation it races tells where its holder is.
    const race = familiar || (!unfamiliar && racesItsRotation(ctx));
    const score = race ? 45 : unfamiliar ? 85 : 70;
    out.push(
      lifecycleFinding(
        ctx,
        score,
        'refresh_token_reuse',
        `refresh token reused${race ? ' from the same device (refresh race?)' : ' from another context'}`,
        { familiar_context: familiar, races_its_rotation: race && !familiar },
      ),
    );
    return;
  }
  if (lc === 'token.refreshed') {
    noteRotation(ctx.org, ctx.ev, ctx.cred.key, ctx.now);
    return;
  }
  const windowMs = cfg.windowMinutes * 60_000;
  if (lc === 'dpop.failure' || lc === 'client_auth.failure') {
    const f = ctx.cred.f;
    const fo = ctx.cred.fo;
    if (ctx.now - f[fo + F_DPOP_START]! > windowMs) {
      f[fo + F_DPOP_START] = ctx.now;
      f[fo + F_DPOP_COUNT] = 0;
    }
    f[fo + F_DPOP_COUNT] = f[fo + F_DPOP_COUNT]! + 1;
    if (f[fo + F_DPOP_COUNT] === cfg.dpopFailures) {
      out.push(
        lifecycleFinding(
          ctx,
          70,
          'dpop_failure_spike',
          `${cfg.dpopFailures} DPoP proof failures in ${cfg.windowMinutes} min: token presented without its key`,
          {
            failures: cfg.dpopFailures,
            thresholds: { failures: cfg.dpopFailures, window_minutes: cfg.windowMinutes },
          },
        ),
      );
    }
    return;
  }
  if (lc === 'key.checksum_failure') {
    if (ctx.sprayCount === cfg.checksumFailures) {
      out.push(
        lifecycleFinding(
          ctx,
          70,
          'checksum_spray',
          `${ctx.sprayCount} malformed API keys from ${ctx.ev.source_ip ?? 'one source'} in ${cfg.windowMinutes} min`,
          {
            failures_from_ip: ctx.sprayCount,
            thresholds: { failures: cfg.checksumFailures, window_minutes: cfg.windowMinutes },
          },
        ),
      );
    }
    return;
  }
  if (lc === 'token.exposed') {
    out.push(
      lifecycleFinding(
        ctx,
        55,
        'token_exposed',
        'token reported exposed (leaked in code, logs or a paste): later use from a new context is theft',
        {},
      ),
    );
    return;
  }
  if (lc === 'token.expired' && !familiar && unfamiliar) {
    out.push(
      lifecycleFinding(ctx, 40, 'expired_token_presented', 'expired token presented from an unfamiliar context', {
        familiar_context: false,
      }),
    );
  }
}

/** Successful calls from the address, per refused never-seen credential, above which it fronts honest clients. */
const SPRAY_MAX_SUCCESS_SHARE = 0.2;

/**
 * A source address that has presented `unknownCredentials` never-seen credentials, each refused, within the window:
 * reported once, on the credential that reached the count.
 */
function unknownCredentialSpray(ctx: DetectionContext, spray: SourceWindow, out: Finding[]): void {
  const cfg = ctx.cfg.lifecycle;
  if (spray.count !== cfg.unknownCredentials || spray.succeeded > spray.count * SPRAY_MAX_SUCCESS_SHARE) return;
  out.push(
    lifecycleFinding(
      ctx,
      70,
      'unknown_credential_spray',
      `${spray.count} never-seen credentials refused from ${ctx.ev.source_ip ?? 'one source'} in ${Math.max(1, Math.round((ctx.now - spray.start) / 60_000))} min`,
      {
        refused_unknown_credentials: spray.count,
        successful_calls_from_ip: spray.succeeded,
        window_start: new Date(spray.start).toISOString(),
        thresholds: { credentials: cfg.unknownCredentials, window_minutes: cfg.windowMinutes, max_success_share: SPRAY_MAX_SUCCESS_SHARE },
      },
    ),
  );
}

/** A wave from fewer addresses is one machine's, which the per-address count judges. */
const WAVE_MIN_SOURCES = 3;

/**
 * The organisation's never-seen credentials refused within the window reach `waveCredentials` and `waveFactor` times
 * their usual count, from at least three addresses, after `waveLearningHours` of stream: a key list tried from a
 * proxy pool or Tor, a few keys per address. Reported once per window, on the credential that reached the count.
 */
function distributedSpray(ctx: DetectionContext, wave: RefusalWave, out: Finding[]): void {
  const cfg = ctx.cfg.lifecycle;
  if (wave.reported || ctx.now - wave.streamStart < cfg.waveLearningHours * 3_600_000) return;
  const threshold = Math.max(cfg.waveCredentials, Math.ceil(cfg.waveFactor * wave.usual));
  if (wave.count < threshold || wave.sources < WAVE_MIN_SOURCES) return;
  wave.reported = true;
  const minutes = Math.max(1, Math.round((ctx.now - wave.start) / 60_000));
  out.push(
    lifecycleFinding(
      ctx,
      70,
      'distributed_credential_spray',
      `${wave.count} never-seen credentials refused from ${wave.sources} addresses in ${minutes} min (usually ${round2(wave.usual)} per ${cfg.windowMinutes} min)`,
      {
        refused_unknown_credentials: wave.count,
        source_addresses: wave.sources,
        window_start: new Date(wave.start).toISOString(),
        baseline: { usual_per_window: round2(wave.usual), windows_seen: wave.windowsSeen },
        thresholds: {
          credentials: cfg.waveCredentials,
          factor: cfg.waveFactor,
          window_minutes: cfg.windowMinutes,
          min_sources: WAVE_MIN_SOURCES,
          learning_hours: cfg.waveLearningHours,
        },
      },
    ),
  );
}
