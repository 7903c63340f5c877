import type { Alert } from '@tokenwarden/core';
import type { EnrichedEvent } from '../enriched-event.js';
import { OperationClassifier, resourceClassHash } from './classify/operation-classifier.js';
import { tunedByParameters } from './classify/parameter-tuning.js';
import type { DetectionConfig } from './config.js';
import { CredentialLineage, inheritChainStages } from './credential-lineage.js';
import { isKnownAppBackend, noteAppBackend } from './detectors/oauth-app-backend.js';
import { noteRotation } from './detectors/refresh-rotations.js';
import { ATTEMPT_DETECTORS, DETECTORS } from './detectors/registry.js';
import { noteRevocation } from './detectors/revocations.js';
import type { DetectionContext, Finding } from './detectors/types.js';
import { eventClientHash, geoKeys } from './event-keys.js';
import { isAboutCredential, SourceWindows } from './lifecycle-events.js';
import { principalKey } from './principal-key.js';
import { F_GUARD_SINCE, F_SUSPICION, F_SUSPICION_TS } from './profile/layout.js';
import { learnEvent } from './profile/learn.js';
import { OrgStats } from './profile/org-stats.js';
import { PrincipalProfiles } from './profile/principal-profiles.js';
import { Profile } from './profile/profile.js';
import { ProfileStore } from './profile/profile-store.js';
import { RefusalWaves } from './refusal-waves.js';
import { resolveDetectionConfig } from './resolve-config.js';
import { placeReturns } from './returning-place.js';
import { buildAlert } from './scoring/build-alert.js';
import { calibrate, combineIndependent, currentRisk } from './scoring/risk.js';
import { hashString } from './sketches/hash.js';
import { decodeSnapshot, encodeSnapshot, type SnapshotState } from './snapshot.js';
import { INTERNAL_NETWORK_KEY, UnregisteredNetworks } from './unregistered-network.js';

/** The streaming detection engine the CLI, the server and the benchmark drive. */
export interface DetectionEngine {
  /** Judge one event (event-time order per credential), learn it, and return the alerts it raised. */
  process(event: EnrichedEvent): Alert[];
  /**
   * Teach the baseline an event an analyst confirmed benign (an incident marked a false positive):
   * its place, client, time and operations join the credential's and principal's profiles, and
   * the credential's suspicion and poisoning guard are cleared. No detector runs.
   */
  learn(event: EnrichedEvent): void;
  /** End of stream: nothing is buffered between events, so this only runs the idle-profile sweep; returns the alerts still pending (none). */
  flush(): Alert[];
  /** All state (profiles, org statistics, counters) as versioned, compressed bytes. */
  snapshot(): Uint8Array;
  /** Replace all state with a snapshot; throws `TW_DETECT_SNAPSHOT_INVALID` on foreign or corrupt bytes. */
  restore(bytes: Uint8Array): void;
  stats(): { credentials: number; principals: number; events: number; alerts: number; evictions: number };
}

/**
 * Returned by most events (no alert): one shared, frozen empty array instead of a new one per event. Frozen
 * so a caller that pushes into a result fails loudly instead of corrupting every later result.
 */
const NO_ALERTS = Object.freeze([]) as unknown as Alert[];

/** `resourceClassHash(undefined, '')`: the resource class of an event with neither resource nor operation. */
const EMPTY_NAME_HASH = hashString('');

/** Suspicion of a credential's context halves every day. */
const SUSPICION_HALF_LIFE_MS = 24 * 3_600_000;
/** Issued-credential links remembered (an STS-heavy account mints a session per job). */
const MAX_LINEAGE = 100_000;

function isAuthFailure(ev: EnrichedEvent): boolean {
  const s = ev.status;
  if (s === 401 || s === 403 || s === 404 || s === 407) return true;
  if (ev.outcome !== 'failure') return false;
  // Any other HTTP status on a failure is no refusal: a server error, throttling, or a request the API could not
  // accept (400, 409, 422) that its caller was allowed to make.
  if (s !== undefined && s >= 400) return false;
  const code = ev.error_code;
  return code === undefined || code.indexOf('Throttl') < 0;
}

class Engine implements DetectionEngine {
  private readonly cfg: DetectionConfig;
  private creds: ProfileStore;
  private principals: PrincipalProfiles;
  private org: OrgStats;
  private readonly classifier = new OperationClassifier();
  private readonly spray = new SourceWindows();
  private readonly unknownSprays = new SourceWindows();
  private readonly refusalWaves = new RefusalWaves();
  private readonly unregistered = new UnregisteredNetworks();
  private readonly lineage = new CredentialLineage(MAX_LINEAGE);
  private readonly findings: Finding[] = [];
  private readonly ctx: DetectionContext;
  private events = 0;
  private alerts = 0;
  private now = 0;
  private sinceSweep = 0;

  constructor(cfg: DetectionConfig) {
    this.cfg = cfg;
    const ttl = cfg.profiles.idleTtlHours * 3_600_000;
    this.principals = new PrincipalProfiles(cfg.profiles.maxCredentials, ttl);
    this.creds = this.credentialStore(ttl);
    this.org = new OrgStats(cfg.org);
    const placeholder = new Profile('', undefined);
    this.ctx = {
      ev: undefined as unknown as EnrichedEvent,
      now: 0,
      cfg,
      cred: placeholder,
      principal: placeholder,
      org: this.org,
      cls: this.classifier.classify({}),
      shape: this.classifier.shape,
      opHash: 0,
      resourceHash: 0,
      principalHash: 0,
      ipHash: 0,
      asn: 0,
      networkLabel: undefined,
      orgHash: 0,
      countryHash: 0,
      cityHash: 0,
      clientHash: 0,
      tlsHash: 0,
      deviceHash: 0,
      kind: 'unknown',
      hasCoords: false,
      credMature: false,
      principalMature: false,
      authFailure: false,
      scripted: false,
      placeNovelty: 0,
      clientNovelty: 0,
      familiarChange: false,
      appBackend: false,
      issuedBy: undefined,
      sprayCount: 0,
      unknownSpray: undefined,
      refusalWave: undefined,
      suspicion: 0,
    };
  }

  process(ev: EnrichedEvent): Alert[] {
    this.events++;
    const credKey = ev.credential_key || ev.credential_id;
    const now = ev.ts;
    if (credKey === undefined || credKey.length === 0 || !Number.isFinite(now)) return NO_ALERTS;
    if (now > this.now) this.now = now;
    if (isAboutCredential(ev.lifecycle)) {
      this.noteIssuer(ev, credKey);
      noteRevocation(this.org, credKey, ev.lifecycle, now);
      noteRotation(this.org, ev, credKey, now);
      return NO_ALERTS;
    }
    const cfg = this.cfg;
    const ctx = this.contextFor(ev, now, credKey);
    const cred = ctx.cred;
    const principalName = ev.principal ?? cred.principal;
    const findings = this.findings;
    findings.length = 0;
    // A refused sign-in is someone trying the account, not the credential in use: only the playbooks about
    // attempts read it, and it teaches the baseline nothing (a sprayer's address and tool are not the person's).
    // The Okta parser's mark only: a native record's attributes pass through as given and must not silence detectors.
    const attempt = ev.attributes?.sign_in_attempt === true && ev.source_system === 'okta';
    const detectors = attempt ? ATTEMPT_DETECTORS : DETECTORS;
    for (let i = 0; i < detectors.length; i++) detectors[i]!(ctx, findings);
    let out: Alert[] = NO_ALERTS;
    let maxSuspicion = combineIndependent(ctx.placeNovelty, ctx.clientNovelty);
    if (findings.length > 0) {
      const mature = ctx.credMature || ctx.principalMature;
      for (const f of findings) {
        if (f.suspicion > maxSuspicion) maxSuspicion = f.suspicion;
        const c = calibrate(cred, f, now, mature, cfg);
        if (c === undefined) continue;
        if (out === NO_ALERTS) out = [];
        out.push(buildAlert(f, c, now, credKey, principalName, ev.id));
      }
      this.alerts += out.length;
      if (out.length > 1) out = out.sort((a, b) => b.score - a.score);
    }
    if (maxSuspicion >= ctx.suspicion && maxSuspicion > 0) {
      cred.f[cred.fo + F_SUSPICION] = maxSuspicion;
      cred.f[cred.fo + F_SUSPICION_TS] = now;
    }
    const issued = ev.attributes?.issued_credential_id;
    if (typeof issued === 'string' && issued.length > 0) this.lineage.remember(issued, credKey);
    // A network that keeps coming back with nothing but novelty is learned in the end (returning-place.ts);
    // asked only of events the guard keeps out, so the common event pays nothing.
    const keepOut =
      this.guarded(cred, now, maxSuspicion) &&
      !placeReturns(ctx, findings, cfg.learning.returningPlaceDays, currentRisk(cred, now, cfg.risk) < cfg.risk.poisonGuardScore);
    if (!attempt) {
      learnEvent(ctx, keepOut);
      noteAppBackend(ctx);
    }
    if (++this.sinceSweep >= cfg.profiles.sweepEveryEvents) this.sweep();
    return out;
  }

  /**
   * A credential issued by another one (`token.issued` naming its creator in `parent_credential_id`): linked so
   * that, like a key named in a cloud log's issuing call, it starts from its issuer's suspicion and chain. A
   * rotation's predecessor is not linked: the successor usually goes to the legitimate owner.
   */
  private noteIssuer(ev: EnrichedEvent, credKey: string): void {
    if (ev.lifecycle !== 'token.issued') return;
    const parent = ev.attributes?.parent_credential_id;
    if (typeof parent === 'string' && parent.length > 0 && parent !== credKey) this.lineage.remember(credKey, parent);
  }

  learn(ev: EnrichedEvent): void {
    const credKey = ev.credential_key || ev.credential_id;
    if (credKey === undefined || credKey.length === 0 || !Number.isFinite(ev.ts)) return;
    if (isAboutCredential(ev.lifecycle)) return;
    const ctx = this.contextFor(ev, ev.ts, credKey);
    const cred = ctx.cred;
    cred.f[cred.fo + F_SUSPICION] = 0;
    cred.f[cred.fo + F_GUARD_SINCE] = 0;
    learnEvent(ctx, false);
  }

  // The credential's profile, the profile holding its principal's baseline, and the context over both.
  private contextFor(ev: EnrichedEvent, now: number, credKey: string): DetectionContext {
    // The reorder buffer's slot is that of `credential_key`: only when it is the key used here.
    const slot = ev.key_slot;
    const cred =
      slot !== undefined && credKey === ev.credential_key
        ? this.creds.getVia(slot, credKey, ev.principal)
        : this.creds.get(credKey, ev.principal);
    // The baseline's name: a tool's generated role-session names are one principal (the alert keeps the logged name).
    const principalName = principalKey(ev.principal ?? cred.principal);
    const principal = principalName === undefined ? cred : this.principals.resolve(cred, principalName);
    return this.fillContext(ev, now, cred, principal, principalName);
  }

  /** The credential profiles; an evicted credential takes a principal shared with it along. */
  private credentialStore(ttl: number): ProfileStore {
    return new ProfileStore(this.cfg.profiles.maxCredentials, ttl, (p) => this.principals.forget(p));
  }

  /** Whether to keep this event out of the baseline; the guard lifts after `guardMaxHours` so it cannot lock a credential out of learning forever. */
  private guarded(cred: Profile, now: number, suspicion: number): boolean {
    const cfg = this.cfg;
    const risky = currentRisk(cred, now, cfg.risk) >= cfg.risk.poisonGuardScore || suspicion >= cfg.chain.contextMinScore;
    if (!risky) {
      cred.f[cred.fo + F_GUARD_SINCE] = 0;
      return false;
    }
    const since = cred.f[cred.fo + F_GUARD_SINCE]!;
    if (since === 0) {
      cred.f[cred.fo + F_GUARD_SINCE] = now;
      return true;
    }
    return now - since < cfg.risk.guardMaxHours * 3_600_000;
  }

  private fillContext(
    ev: EnrichedEvent,
    now: number,
    cred: Profile,
    principal: Profile,
    principalName: string | undefined,
  ): DetectionContext {
    const ctx = this.ctx;
    const cfg = this.cfg;
    ctx.ev = ev;
    ctx.now = now;
    ctx.cred = cred;
    ctx.principal = principal;
    const cls = tunedByParameters(ev, this.classifier.classify(ev));
    ctx.cls = cls;
    const opHash = this.classifier.opHash;
    ctx.opHash = opHash;
    // Without a resource, the resource class is the operation: reuse its cached hash.
    const resource = ev.resource;
    ctx.resourceHash =
      resource !== undefined && resource.length > 0 ? resourceClassHash(resource, cls.name) : opHash !== 0 ? opHash : EMPTY_NAME_HASH;
    // Without a principal, the credential stands for itself.
    ctx.principalHash =
      principalName === undefined ? cred.keyHash : principal.key === principalName ? principal.keyHash : hashString(principalName);
    ctx.ipHash = ev.source_ip ? hashString(ev.source_ip) : 0;
    const g = ev.geo;
    ctx.asn = g?.asn ?? 0;
    ctx.networkLabel = undefined;
    if (ctx.asn === 0 && ev.source_ip) {
      const net = this.unregistered.of(ev.source_ip);
      if (net) {
        ctx.asn = net.key;
        ctx.networkLabel = net.label;
      }
    }
    if (g === undefined) {
      ctx.orgHash = 0;
      ctx.countryHash = 0;
      ctx.cityHash = 0;
    } else {
      const keys = geoKeys(g);
      ctx.orgHash = keys.orgHash;
      ctx.countryHash = keys.countryHash;
      ctx.cityHash = keys.cityHash;
    }
    // An internal address is the organisation's own network, whatever kind the databases do not give it.
    ctx.kind = ctx.asn === INTERNAL_NETWORK_KEY ? 'business' : (g?.asn_kind ?? 'unknown');
    ctx.hasCoords = g !== undefined && typeof g.lat === 'number' && typeof g.lon === 'number' && !(g.lat === 0 && g.lon === 0);
    const c = ev.client;
    ctx.clientHash = eventClientHash(ev);
    ctx.tlsHash = ev.tls_fingerprint ? hashString(ev.tls_fingerprint) : 0;
    ctx.deviceHash = ev.device_id ? hashString(ev.device_id) : 0;
    ctx.scripted = ev.interactive === false || (ev.interactive !== true && c !== undefined && c.scripted);
    ctx.authFailure = isAuthFailure(ev);
    ctx.credMature = cred.isMature(cfg.learning.minEvents, cfg.learning.minHours);
    // A principal shared with its only credential (same numbers) is as mature as the credential.
    ctx.principalMature =
      principal === cred
        ? principalName !== undefined && ctx.credMature
        : principal.isMature(cfg.learning.minEvents, cfg.learning.minHours);
    ctx.placeNovelty = 0;
    ctx.clientNovelty = 0;
    ctx.familiarChange = false;
    ctx.suspicion = this.suspicionOf(cred, now);
    ctx.issuedBy = undefined;
    if (this.lineage.size > 0) this.inherit(ctx, cred, now);
    ctx.sprayCount =
      ev.lifecycle === 'key.checksum_failure'
        ? this.spray.count(ev.source_ip ?? '', now, this.cfg.lifecycle.windowMinutes * 60_000).count
        : 0;
    // A lifecycle signal (a revoked token presented) is counted by its own rules, not as another key tried.
    const firstCallRefused = cred.events === 0 && ctx.authFailure && ev.lifecycle === undefined;
    const windowMs = this.cfg.lifecycle.windowMinutes * 60_000;
    ctx.unknownSpray = this.unknownSprays.observe(ev, firstCallRefused, now, windowMs);
    ctx.refusalWave = this.refusalWaves.observe(ev, firstCallRefused, now, windowMs);
    ctx.appBackend = isKnownAppBackend(ctx);
    return ctx;
  }

  /** The credential's suspicion at `now`: decaying with a one-day half-life, forgotten past the chain window. */
  private suspicionOf(p: Profile, now: number): number {
    const sTs = p.f[p.fo + F_SUSPICION_TS]!;
    if (sTs === 0 || now - sTs > this.cfg.chain.windowHours * 3_600_000) return 0;
    return p.f[p.fo + F_SUSPICION]! * 0.5 ** (Math.max(0, now - sTs) / SUSPICION_HALF_LIFE_MS);
  }

  /**
   * A credential handed out by another one (an attacker's AssumeRole or new access key) starts where its issuer
   * is: at least the issuer's suspicion, and on its first event the issuer's chain stages.
   */
  private inherit(ctx: DetectionContext, cred: Profile, now: number): void {
    const issuerKey = this.lineage.issuerOf(cred.key);
    if (issuerKey === undefined) return;
    const issuer = this.creds.map.get(issuerKey);
    if (issuer === undefined) return;
    ctx.issuedBy = issuerKey;
    const inherited = this.suspicionOf(issuer, now);
    if (inherited > ctx.suspicion) ctx.suspicion = inherited;
    if (cred.events === 0 && inherited > 0) inheritChainStages(cred, issuer);
  }

  private sweep(): void {
    this.sinceSweep = 0;
    this.creds.sweep(this.now);
    this.principals.store.sweep(this.now);
    this.spray.sweep(this.now, this.cfg.lifecycle.windowMinutes * 60_000);
    this.unknownSprays.sweep(this.now, this.cfg.lifecycle.windowMinutes * 60_000);
  }

  flush(): Alert[] {
    this.sweep();
    return [];
  }

  snapshot(): Uint8Array {
    return encodeSnapshot({
      creds: this.creds.map,
      principals: this.principals.store.map,
      shared: [...this.principals.shared].map(([principal, cred]) => [principal, cred.key]),
      org: this.org,
      counters: {
        events: this.events,
        alerts: this.alerts,
        now: this.now,
        evictions: this.creds.evictions + this.principals.store.evictions,
      },
    });
  }

  restore(bytes: Uint8Array): void {
    const state: SnapshotState = decodeSnapshot(bytes, this.cfg.org);
    const ttl = this.cfg.profiles.idleTtlHours * 3_600_000;
    // The replaced profiles' memory goes back to the arena for the restored and future ones.
    for (const p of this.creds.map.values()) p.release();
    for (const p of this.principals.store.map.values()) p.release();
    this.principals = new PrincipalProfiles(this.cfg.profiles.maxCredentials, ttl);
    this.creds = this.credentialStore(ttl);
    for (const [k, p] of state.creds) this.creds.map.set(k, p);
    for (const [k, p] of state.principals) this.principals.store.map.set(k, p);
    for (const [principal, credKey] of state.shared) this.principals.restoreShared(principal, this.creds.map.get(credKey));
    this.creds.evictions = state.counters.evictions;
    this.org = state.org;
    this.ctx.org = state.org;
    this.events = state.counters.events;
    this.alerts = state.counters.alerts;
    this.now = state.counters.now;
    this.spray.clear();
    this.unknownSprays.clear();
    this.refusalWaves.clear();
  }

  stats(): { credentials: number; principals: number; events: number; alerts: number; evictions: number } {
    return {
      credentials: this.creds.map.size,
      principals: this.principals.size,
      events: this.events,
      alerts: this.alerts,
      evictions: this.creds.evictions + this.principals.store.evictions,
    };
  }
}

/**
 * Create a detection engine. Options override `DEFAULT_DETECTION_CONFIG` section by section.
 *
 * @example
 * ```ts
 * const engine = createDetectionEngine();
 * for (const ev of events) for (const alert of engine.process(ev)) console.log(JSON.stringify(alert));
 * engine.flush();
 * ```
 */
export function createDetectionEngine(options?: Partial<DetectionConfig>): DetectionEngine {
  return new Engine(resolveDetectionConfig(options));
}
