import { F_EVENTS, F_SESSION_BROWSER, F_SESSION_DEVICE, K_CLIENT, K_IP, K_TLS, U_CLIENT, U_IP, U_TLS } from '../profile/layout.js';
import { topKCount, topKSize, topKTotal } from '../sketches/top-k.js';
import { eventStage } from './chain-position.js';
import { onPersonsDesktop } from './change-maker.js';
import { knownValues, round2 } from './evidence.js';
import { isSessionCredential } from './session-credential.js';
import type { DetectionContext, Finding } from './types.js';

/** TLS fingerprints need this many observations before a change means anything. */
const TLS_MIN_OBSERVATIONS = 20;

/**
 * True when a session credential is used from a device other than the first one it was seen on (remembered on
 * the credential's profile as detection state, even while learning is guarded).
 */
function sessionDeviceMoved(ctx: DetectionContext): boolean {
  if (ctx.deviceHash === 0 || !isSessionCredential(ctx)) return false;
  const { cred } = ctx;
  const first = cred.f[cred.fo + F_SESSION_DEVICE]!;
  if (first === 0) {
    cred.f[cred.fo + F_SESSION_DEVICE] = ctx.deviceHash;
    return false;
  }
  return first !== ctx.deviceHash;
}

/** Major versions packed beside a browser's hash in `F_SESSION_BROWSER` (a higher one counts as the highest). */
const MAJOR_SPAN = 1024;

/**
 * True when the credential lives in one browser: a session (an Okta session, a refresh or access token), or a cloud
 * key the console handed its browser (a console sign-in's temporary key, flagged interactive by the log).
 */
function browserBound(ctx: DetectionContext): boolean {
  return isSessionCredential(ctx) || (ctx.ev.credential_kind === 'cloud_access_key' && ctx.ev.interactive === true);
}

/**
 * True when a browser-bound credential is used from an older major version of the very browser (family and system)
 * it already ran newer. Browsers only update forward, and a session lives in the one browser that signed in, so an
 * older copy is a second holder replaying it with a browser of its own whose user agent only resembles the owner's
 * (an infostealer log's buyer, an adversary-in-the-middle kit's operator), from wherever. Judged against the browser
 * the credential was first used in; a late event (out of event-time order) is not judged. Remembered on the
 * credential's profile as detection state, even while learning is guarded.
 */
function sessionBrowserDowngraded(ctx: DetectionContext): boolean {
  const c = ctx.ev.client;
  const major = c?.major;
  if (major === undefined || c === undefined || c.scripted || ctx.scripted || ctx.ev.late === true || !browserBound(ctx)) {
    return false;
  }
  const { cred } = ctx;
  const at = cred.fo + F_SESSION_BROWSER;
  const kept = cred.f[at]!;
  const version = Math.min(major, MAJOR_SPAN - 1);
  if (kept === 0) {
    cred.f[at] = ctx.clientHash * MAJOR_SPAN + version;
    return false;
  }
  const newest = kept % MAJOR_SPAN;
  if ((kept - newest) / MAJOR_SPAN !== ctx.clientHash) return false;
  if (version > newest) cred.f[at] = kept - newest + version;
  return version < newest;
}

/** The newest major version of the credential's first browser, for evidence. */
function newestSessionBrowser(ctx: DetectionContext): number {
  return ctx.cred.f[ctx.cred.fo + F_SESSION_BROWSER]! % MAJOR_SPAN;
}

/**
 * True when a person's authenticator app (Okta Verify on their phone) enrolls or answers a factor, or registers its
 * device (`device.enrollment.create`): a second device in
 * the session by design, and a new one whenever a phone is. Only for the factor events themselves: the app's name in
 * any other request says nothing.
 */
function authenticatorAtWork(ctx: DetectionContext): boolean {
  if (ctx.ev.client?.authenticator !== true) return false;
  const op = ctx.ev.operation ?? '';
  return (
    op.startsWith('okta:user.mfa.') ||
    op.startsWith('okta:user.authentication.') ||
    op.startsWith('okta:system.push.') ||
    op.startsWith('okta:device.')
  );
}

/** Whether the credential or its principal has used this address: an Okta session or STS key is new every day, the desk it is used from is not. */
function knownAddress(ctx: DetectionContext): boolean {
  const { cred, principal } = ctx;
  return (
    ctx.ipHash !== 0 &&
    (topKCount(cred.u, cred.uo + U_IP, K_IP, ctx.ipHash) > 0 || topKCount(principal.u, principal.uo + U_IP, K_IP, ctx.ipHash) > 0)
  );
}

/** Events a session must have had from its browser before another browser on it counts as a copy. */
const SESSION_BROWSER_MIN_EVENTS = 5;

/**
 * True when an identity provider's browser session (an Okta session: `saas_session`) that has been used from a browser
 * is now used from another browser, of a family or system neither the session nor its principal ever used. The
 * session lives in the cookie of the browser that signed in: the same session in Chrome on Windows after days of
 * Safari on a Mac is a stolen cookie (an infostealer, an adversary-in-the-middle proxy), even without a device id. A
 * new laptop signs in afresh and gets a new session. Tokens are left out: an app and its web client may share one.
 */
function sessionBrowserMoved(ctx: DetectionContext, newClient: boolean): boolean {
  const c = ctx.ev.client;
  if (!newClient || c === undefined || c.scripted || ctx.scripted || ctx.ev.credential_kind !== 'saas_session') return false;
  const { cred } = ctx;
  return cred.f[cred.fo + F_EVENTS]! >= SESSION_BROWSER_MIN_EVENTS && topKSize(cred.u, cred.uo + U_CLIENT, K_CLIENT) > 0;
}

/**
 * Detector 4, new device or client. (a) A client family + OS never seen for the credential nor its principal;
 * (b) a scripted client (curl, SDK, python-requests) or an explicitly non-interactive call on a credential
 * that was always interactive — the classic replay of a stolen browser session; (c) a new TLS fingerprint on
 * a credential whose fingerprint was stable; (d) an offensive distribution or tool in the user agent (Kali
 * Linux, Pacu, TruffleHog), never used by the credential or its principal, at `offensiveToolScore` whatever the
 * baseline; (e) a session credential (an Okta session, a refresh or access token) used from another device than
 * it started on, or an identity provider's session from another browser than the one it was used in (a family or
 * system its principal never used), or any browser-bound credential from an older version of its own browser than it
 * already ran, at `sessionDeviceChangeScore`. A new client from a known IP (a new laptop at the desk) counts
 * for less; org-common client families too. Sets `ctx.clientNovelty`. Pure novelty, capped at `medium` alone,
 * except (e), and (d) when the tool is one made for abusing stolen cloud keys (`ClientInfo.cloudKeyTool`): a copied session
 * and a key run by Pacu are evidence, and may page on their own (a Kali desktop or a web scanner stays novelty).
 *
 * @example
 * ```ts
 * detectNewClient(ctx, findings);
 * ```
 */
export function detectNewClient(ctx: DetectionContext, out: Finding[]): void {
  ctx.clientNovelty = 0;
  if (ctx.appBackend || authenticatorAtWork(ctx)) return;
  const { cred, principal, cfg, org } = ctx;
  const nc = cfg.newClient;
  // Offensive tooling says something with no baseline at all; only habit (a red team's own key) excuses it.
  const offensive = ctx.ev.client?.offensive;
  const newOffensive =
    offensive !== undefined &&
    topKCount(cred.u, cred.uo + U_CLIENT, K_CLIENT, ctx.clientHash) === 0 &&
    topKCount(principal.u, principal.uo + U_CLIENT, K_CLIENT, ctx.clientHash) === 0;
  const deviceMoved = sessionDeviceMoved(ctx);
  const downgraded = sessionBrowserDowngraded(ctx);
  if (cred.events === 0 && principal.events === 0 && !newOffensive && !deviceMoved && !downgraded) return;
  // Most events raise nothing: the reasons are collected as flags and turned into text only for a finding.
  let newClient = false;
  let scriptedReason = false;
  let tlsReason = false;
  let score = 0;
  if (
    ctx.clientHash !== 0 &&
    topKCount(cred.u, cred.uo + U_CLIENT, K_CLIENT, ctx.clientHash) === 0 &&
    topKCount(principal.u, principal.uo + U_CLIENT, K_CLIENT, ctx.clientHash) === 0
  ) {
    score = nc.newClientScore * (org.isCommon(org.clients, ctx.clientHash) ? 0.7 : 1) + (ctx.scripted ? 10 : 0);
    newClient = true;
  }
  // Short-lived credentials (STS sessions, Okta sessions) are judged by their principal's habits.
  const habits = cred.events >= cfg.learning.minEvents ? cred : principal;
  const events = habits.events;
  const interactiveShare = habits.interactiveShare;
  // The person's own CLI on their own laptop, at their desk: an IAM Identity Center user who worked in the console
  // for weeks and then runs `aws sso login` (blind test #12). A stolen browser session replayed by a script comes
  // from the thief's machine and address.
  if (
    ctx.scripted &&
    events >= cfg.learning.minEvents &&
    interactiveShare >= nc.interactiveShare &&
    !(onPersonsDesktop(ctx) && knownAddress(ctx))
  ) {
    score = Math.max(score + 10, nc.scriptedOnInteractiveScore);
    scriptedReason = true;
  }
  if (ctx.tlsHash !== 0) {
    const seen = topKTotal(cred.u, cred.uo + U_TLS, K_TLS);
    if (
      seen >= TLS_MIN_OBSERVATIONS &&
      topKSize(cred.u, cred.uo + U_TLS, K_TLS) <= 2 &&
      topKCount(cred.u, cred.uo + U_TLS, K_TLS, ctx.tlsHash) === 0
    ) {
      score = score === 0 ? nc.tlsChangeScore : score + 10;
      tlsReason = true;
    }
  }
  const browserMoved = sessionBrowserMoved(ctx, newClient);
  if (score === 0 && !newOffensive && !deviceMoved && !downgraded) return;
  const knownIp = knownAddress(ctx);
  if (knownIp) score *= 0.6;
  if (!ctx.credMature && !ctx.principalMature) score *= 0.6;
  if (newOffensive) score = Math.max(score, nc.offensiveToolScore);
  const copied = deviceMoved || browserMoved || downgraded;
  if (copied) score = Math.max(score, nc.sessionDeviceChangeScore);
  ctx.clientNovelty = score;
  if (score < 20) return;
  const c = ctx.ev.client;
  const reasons: string[] = [];
  if (deviceMoved) reasons.push('session used from another device than it started on');
  if (browserMoved && !deviceMoved) reasons.push('session used from another browser than it started in');
  if (downgraded && !deviceMoved && !browserMoved) {
    reasons.push(`session used from an older version of its browser (${c?.major}) than it already ran (${newestSessionBrowser(ctx)})`);
  }
  if (newOffensive) reasons.push(`offensive tooling (${offensive})`);
  if (newClient) reasons.push('new client');
  if (scriptedReason) reasons.push('scripted use of an always-interactive credential');
  if (tlsReason) reasons.push('new TLS fingerprint');
  out.push({
    rule: 'new_client',
    score,
    stage: eventStage(ctx),
    summary: `${reasons.join(', ')}: ${c?.family ?? 'unknown'}${c?.os ? ` on ${c.os}` : ''}${ctx.scripted ? ' (scripted)' : ''}`,
    evidence: {
      reasons,
      client: { family: c?.family, os: c?.os, device: c?.device, scripted: ctx.scripted, offensive, user_agent: ctx.ev.user_agent },
      tls_fingerprint: ctx.ev.tls_fingerprint,
      device_id: ctx.ev.device_id,
      known_ip: knownIp,
      baseline: {
        credential_events: events,
        interactive_share: round2(interactiveShare),
        known_clients: knownValues(cred, U_CLIENT, K_CLIENT, org),
        principal_clients: knownValues(principal, U_CLIENT, K_CLIENT, org),
      },
      thresholds: { interactive_share: nc.interactiveShare, tls_min_observations: TLS_MIN_OBSERVATIONS },
    },
    // A session on a second device is a replayed cookie or token, not a new laptop: it may page on its own.
    noveltyOnly: !copied,
    // So may a tool made for abusing stolen cloud keys (Pacu, Stratus Red Team) on a key that never ran it, at most
    // high: that is no new laptop either, and a red team's own key that always runs it is excused by habit.
    pagesAlone: newOffensive && ctx.ev.client?.cloudKeyTool === true,
    suspicion: score,
  });
}
