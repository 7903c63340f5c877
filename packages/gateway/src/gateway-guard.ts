import { availableParallelism } from 'node:os';
import type { ControlOrder } from '@tokenwarden/core';
import { AccessEventSink } from './access-sink.js';
import { AuthorizationMemo } from './authorization-memo.js';
import { BlockList } from './block-list.js';
import { clientInfo, DirectClients } from './client-info.js';
import { CredentialFailureThrottle } from './credential-failure-throttle.js';
import { CredentialVerifier } from './credential-verifier.js';
import { DpopBinding } from './dpop-binding.js';
import { DpopNonces } from './dpop-nonce.js';
import { DpopVerifier } from './dpop-verifier.js';
import {
  CREDENTIAL_IN_PATH,
  CREDENTIAL_IN_URL,
  exposedSecret,
  extractCredential,
  type PresentedCredential,
  redactSecrets,
  UNSUPPORTED_SCHEME,
} from './extract-credential.js';
import { fastId } from './fast-ids.js';
import type { GatewayGuardOptions } from './gateway-guard-options.js';
import {
  allowed,
  type DecisionDraft,
  denied,
  draftDecision,
  type GuardDecision,
  type GuardRequest,
  headerValue,
  type PendingRequest,
} from './guard-decision.js';
import { accessEventOf, type FinishedRequest } from './guard-events.js';
import { guardRevocationSync } from './guard-revocation-sync.js';
import { IpSet } from './ip-set.js';
import { MemoryJtiReplayStore } from './jti-replay-store.js';
import { KeyUseNotes } from './key-use-notes.js';
import { LifecycleReporter } from './lifecycle-reporter.js';
import { LiveSessions, revokedOrBlocked } from './live-sessions.js';
import { CidrIpInfo, type IpInfoLookup, locationRefusal } from './location-policy.js';
import { effectiveMethod } from './method-override.js';
import { normaliseTarget } from './path-normalise.js';
import { ProbingThrottle } from './probing-throttle.js';
import { RateLimiter } from './rate-limiter.js';
import { RevocationSet } from './revocation-set.js';
import type { RevocationSync } from './revocation-sync.js';
import { RouteMatcher } from './route-matcher.js';
import { SignatureThread } from './signature-thread.js';
import type { VerificationResult, VerifiedCredential } from './verified-credential.js';
import { type Refusal, refuse } from './www-authenticate.js';

export type { GatewayGuardOptions } from './gateway-guard-options.js';
export type { GuardDecision, GuardRequest } from './guard-decision.js';

/**
 * The enforcement core shared by the Fastify plugin, the Node middleware and the reverse proxy:
 * normalise the path, match the route, extract and verify the credential, and check transport,
 * revocation, canary, expiry, blocks, location, CIDR allowlist, DPoP, audience, scopes, rate and
 * probing, in that order. It answers with a decision; the adapter forwards or refuses, then calls
 * {@link GatewayGuard.finish} so that exactly one access event is emitted per request.
 *
 * @example
 * ```ts
 * const guard = new GatewayGuard({ source, config: parseGatewayConfig({}) });
 * await guard.start();
 * const d = await guard.check({ method: 'GET', target: '/x', headers, peer: '127.0.0.1', encrypted: false });
 * if (d.allow) forward(d.forwardTarget); else send(d.refusal);
 * guard.finish(d, 200);
 * ```
 */
export class GatewayGuard {
  readonly revocations = new RevocationSet();
  readonly blocks = new BlockList();
  /** Admitted exchanges still open (tunnels, streams): re-judged when a revocation or block lands. */
  readonly sessions = new LiveSessions();
  readonly verifier: CredentialVerifier;
  readonly sink: AccessEventSink<FinishedRequest> | undefined;
  readonly routes: RouteMatcher;
  readonly audience: string;
  readonly checks: boolean;
  private readonly sync: RevocationSync;
  private readonly trustedProxies: IpSet;
  private readonly dpop: DpopBinding;
  private readonly nonces: DpopNonces | undefined;
  /** Where DPoP signatures go when several wait at once; undefined: always on the event loop. */
  readonly signatureThread: SignatureThread | undefined;
  private readonly limiter: RateLimiter | undefined;
  private readonly probing: ProbingThrottle;
  private readonly failures: CredentialFailureThrottle | undefined;
  private readonly ipInfo: IpInfoLookup;
  private readonly dpopAlgs: readonly string[];
  private readonly directClients = new DirectClients();
  private readonly authorizations = new AuthorizationMemo();
  private readonly keyUses: KeyUseNotes;
  private readonly lifecycle: LifecycleReporter;

  constructor(private readonly options: GatewayGuardOptions) {
    const cfg = options.config;
    this.checks = options.checks ?? true;
    this.audience = cfg.audience ?? options.source.defaultAudience;
    this.routes = new RouteMatcher(cfg);
    this.keyUses = new KeyUseNotes(options.source);
    this.lifecycle = new LifecycleReporter(options.publishLifecycle);
    this.trustedProxies = IpSet.from(cfg.trusted_proxies);
    this.verifier = new CredentialVerifier(options.source, {
      jwtAlgorithms: cfg.jwt_algorithms,
      cacheResults: options.cacheResults ?? true,
    });
    this.nonces = options.nonceSecret ? new DpopNonces(options.nonceSecret) : undefined;
    this.dpopAlgs = cfg.dpop.algorithms;
    const wantThread = options.signatureThread ?? cfg.dpop.signature_thread;
    // auto: on with 2 or more CPUs. Through shared memory (SignatureThread) the thread pays on the
    // 2-core bench host, where the load generator, the upstream and the proxy share the cores:
    // thread-ab.ts, 5 rounds, median req/s thread on vs off, EdDSA +17.7%, +16.6%, +7.0%; ES256
    // +23.5%, +12.5%, +18.5%, +6.6% (README, 2026-12-01). With a busy loop holding one core it
    // still gained (EdDSA +5.9%, ES256 +2.6%); two ES256 runs on a host slowed by something else
    // (the bare hop at half its rate) read -9.6% and -2.4%.
    const useThread = wantThread === 'auto' ? availableParallelism() >= 2 : wantThread;
    this.signatureThread = useThread && this.checks ? new SignatureThread() : undefined;
    const dpopVerifier = new DpopVerifier({
      algorithms: cfg.dpop.algorithms,
      maxAgeSeconds: cfg.dpop.max_age_seconds,
      replay: options.replayStore ?? new MemoryJtiReplayStore(),
      requireNonce: cfg.dpop.require_nonce && this.nonces !== undefined,
      ...(this.nonces ? { nonces: this.nonces } : {}),
      ...(this.signatureThread ? { signatureThread: this.signatureThread } : {}),
    });
    this.dpop = new DpopBinding(dpopVerifier, this.nonces, this.dpopAlgs, cfg.dpop.public_origin);
    this.limiter =
      cfg.rate_limit === false ? undefined : new RateLimiter({ perSecond: cfg.rate_limit.per_second, burst: cfg.rate_limit.burst });
    this.probing = new ProbingThrottle(cfg.probing);
    this.failures =
      cfg.auth_failures === false ? undefined : new CredentialFailureThrottle(cfg.auth_failures, IpSet.from(cfg.auth_failures.exempt));
    this.ipInfo = options.ipInfo ?? new CidrIpInfo(cfg.ip_info);
    this.sink =
      options.publishAccess && this.checks
        ? new AccessEventSink<FinishedRequest>(options.publishAccess, { intervalMs: options.accessBatchMs ?? 0, toEvent: accessEventOf })
        : undefined;
    this.sync = guardRevocationSync(options, this.revocations, this.verifier, () => this.recheckSessions());
  }

  /** Loads the revocation set and starts keeping it fresh. */
  async start(): Promise<void> {
    if (this.checks) await this.sync.start();
  }

  /** Polls the revocation source now (tests, signals). */
  wakeRevocations(): void {
    this.sync.wake();
  }

  /** Enforces a `control` topic order (block / unblock a credential, IP or ASN). */
  applyControlOrder(order: ControlOrder): boolean {
    const applied = this.blocks.apply(order);
    if (applied && order.action === 'block') this.recheckSessions();
    return applied;
  }

  /**
   * Keeps an admitted exchange that stays open (a tunnel, a streamed response) under watch: `end`
   * cuts it off when its credential is revoked, blocked or expires, or its address or ASN is
   * blocked. Call the returned function when the exchange closes.
   */
  holdOpen(decision: Extract<GuardDecision, { allow: true }>, end: (reason: string) => void): () => void {
    return this.sessions.hold(decision.credential, decision.client, end);
  }

  // Ends every open exchange the current revocations and blocks would now refuse.
  private recheckSessions(): void {
    if (this.sessions.size === 0) return;
    this.sessions.recheck(revokedOrBlocked(this.revocations, this.blocks, (ip) => this.ipInfo.lookup(ip)?.asn));
  }

  /** Decides on one request. Never throws for bad input. */
  check(req: GuardRequest): Promise<GuardDecision> {
    try {
      return Promise.resolve(this.decide(req));
    } catch (e) {
      return Promise.reject(e);
    }
  }

  /**
   * Like {@link GatewayGuard.check}, but answers synchronously when no I/O is needed (a cached
   * verification, no DPoP proof, a fresh revocation view): the embedded adapters then spend no
   * promise on the common request. Never throws for bad input.
   */
  decide(req: GuardRequest): GuardDecision | Promise<GuardDecision> {
    const headers = req.headers;
    // One clock read for the request id, the staleness check and a cached credential's expiry.
    const now = Date.now();
    const base = this.draft(req, now);
    const client = base.client;
    const target = normaliseTarget(req.target);
    if (!target.ok) return denied(base, refuse(400, 'invalid_request', `path: ${target.reason}`));
    base.path = target.path;
    if (!this.checks) return allowed(base, target.forwardTarget);

    const cfg = this.options.config;
    const info = this.ipInfo.lookup(client.ip);
    if (this.blocks.isIpBlocked(client.ip) || this.blocks.isAsnBlocked(info?.asn))
      return denied(base, refuse(403, 'access_denied', 'blocked address'));
    const method = effectiveMethod(req, cfg.method_override);
    if (method === undefined) return denied(base, refuse(400, 'invalid_request', 'method override header'));
    const route = this.routes.match(method, target.path);
    if (!route) return denied(base, refuse(403, 'access_denied', 'no matching route'));
    base.route = route;
    const where = locationRefusal(route.config.location ?? cfg.location, info);
    if (where) return denied(base, refuse(403, 'access_denied', `location: ${where}`));
    if (!this.probing.idle) {
      const byAddress = this.probing.state(`ip:${client.ip}`);
      if (byAddress.action === 'block') return denied(base, refuse(403, 'access_denied', 'probing blocked'));
      if (byAddress.action === 'delay') base.delayMs = byAddress.ms;
    }
    if (route.config.public) {
      // No credential is read here, so a key in the path is not refused: its event keeps it redacted.
      base.path = redactSecrets(target.path);
      return allowed(base, target.forwardTarget);
    }

    const presented = extractCredential(
      { authorization: headers.authorization, xApiKey: headers['x-api-key'], query: target.query, path: target.forwardTarget },
      { acceptXApiKey: cfg.accept_x_api_key, allowQueryToken: route.config.allow_query_token, readAuthorization: this.authorizations.read },
    );
    base.scheme = presented.scheme;
    if (presented.scheme === 'malformed' && presented.reason !== UNSUPPORTED_SCHEME) {
      const refusal = refuse(400, 'invalid_request', presented.reason, this.challenge(presented));
      if (presented.reason === CREDENTIAL_IN_URL || presented.reason === CREDENTIAL_IN_PATH)
        return this.refuseExposed(base, refusal, exposedSecret(target.forwardTarget, target.query), req, now);
      return denied(base, refusal);
    }
    if (presented.scheme !== 'bearer' && presented.scheme !== 'dpop')
      return denied(base, refuse(401, 'unauthorized', 'no credential', { scheme: 'none', dpopAlgs: this.dpopAlgs, challengeError: false }));

    const hashKey = this.verifier.keyOf(presented.token);
    const pending: PendingRequest = { req, base, forwardTarget: target.forwardTarget, route, presented, hashKey };
    // A stale view may only mean the event loop was busy: read the source once before failing closed.
    if (this.isStale(now)) return this.pollThenVerify(pending);
    const cached = this.verifier.peek(presented.token, hashKey);
    if (cached) return this.afterVerify(pending, cached, now);
    // An address past its failure budget gets no lookup for a credential not already known good.
    const overBudget = this.failures?.refusal(client.ip, now);
    if (overBudget) return denied(base, overBudget);
    return this.verifier.verify(presented.token, hashKey).then((verified) => this.afterVerify(pending, verified));
  }

  /**
   * Refuses a request that carried its credential in the URL and reports the exposure. The event
   * names the credential when the secret is ours for certain (a checksum-valid key found in the
   * store, a JWT whose signature verifies; its cached verification when there is one), so that
   * automatic response can revoke it; anything else (opaque strings: no introspection for a
   * refused request) or an address past its failure budget is reported without a name.
   */
  private refuseExposed(
    base: DecisionDraft,
    refusal: Refusal,
    secret: string | undefined,
    req: GuardRequest,
    now: number,
  ): GuardDecision | Promise<GuardDecision> {
    const where = refusal.reason === CREDENTIAL_IN_PATH ? 'credential in the URL path' : 'credential in a URL query string';
    const report = (verified?: VerificationResult): GuardDecision => {
      const credential = verified === undefined ? undefined : verified.ok ? verified.credential : verified.known?.credential;
      this.lifecycle.report('token.exposed', base.client, credential, base.requestId, where, req);
      return denied(base, refusal);
    };
    const ours = secret !== undefined && (secret.startsWith('tw_') || (secret.startsWith('eyJ') && secret.split('.').length === 3));
    if (!ours) return report();
    const hashKey = this.verifier.keyOf(secret);
    const cached = this.verifier.peek(secret, hashKey);
    if (cached) return report(cached);
    if (this.failures?.refusal(base.client.ip, now)) return report();
    return this.verifier.verify(secret, hashKey).then(
      (verified) => {
        if (!verified.ok && verified.failure !== 'unavailable') this.failures?.record(base.client.ip, Date.now());
        return report(verified);
      },
      () => report(),
    );
  }

  /**
   * Records a request the adapter refused before asking the guard (a malformed or ambiguous head):
   * it still gets its access event, so detection sees smuggling and header attacks.
   */
  refusedEarly(req: GuardRequest, refusal: Refusal): void {
    this.finish(denied(this.draft(req, Date.now()), refusal), refusal.status);
  }

  // A decision in the making for `req`: who sent it, nothing decided yet.
  private draft(req: GuardRequest, now: number): DecisionDraft {
    // Without trusted proxies the forwarding headers are never read: do not even join them.
    const client = this.trustedProxies.empty
      ? this.directClients.of(req.peer, req.encrypted)
      : clientInfo(
          {
            peer: req.peer,
            encrypted: req.encrypted,
            xff: headerValue(req.headers['x-forwarded-for']),
            xfp: headerValue(req.headers['x-forwarded-proto']),
          },
          this.trustedProxies,
        );
    return draftDecision(req, client, fastId('req', now));
  }

  /**
   * Records the outcome of a request: one access event, and a 404 towards the probing throttle.
   */
  finish(decision: GuardDecision, status: number, bytesOut?: number): void {
    if (!this.checks) return;
    if (status === 404 && decision.path !== undefined) {
      this.probing.recordNotFound(decision.credential ? `cred:${decision.credential.id}` : `ip:${decision.client.ip}`, decision.path);
    }
    // A compact record now; the access event itself is built when the batch is handed over.
    this.sink?.push({ decision, status, bytesOut, at: Date.now() });
  }

  private async pollThenVerify(p: PendingRequest): Promise<GuardDecision> {
    await this.sync.pollNow();
    if (this.isStale(Date.now())) return denied(p.base, refuse(503, 'temporarily_unavailable', 'revocation state stale (fail-closed)'));
    return this.afterVerify(p, await this.verifier.verify(p.presented.token));
  }

  // Everything after verification; asynchronous only for a DPoP proof.
  private afterVerify(p: PendingRequest, verified: VerificationResult, now = Date.now()): GuardDecision | Promise<GuardDecision> {
    const { base, presented, req } = p;
    const client = base.client;
    const cfg = this.options.config;
    const plainHttp = !client.secure && !client.loopback && !cfg.allow_plain_http;
    if (!verified.ok) {
      if (verified.failure === 'unavailable') return denied(base, refuse(503, 'temporarily_unavailable', 'credential source unavailable'));
      this.failures?.record(client.ip, now);
      if (verified.failure === 'checksum')
        this.lifecycle.report('key.checksum_failure', client, undefined, base.requestId, 'tw_ checksum mismatch', req);
      const known = verified.known;
      if (known) {
        // A dead credential still presented: its access event and a lifecycle event name it.
        base.credential = known.credential;
        const type = known.status === 'revoked' || known.status === 'suspended' ? 'token.revoked_use' : 'token.expired';
        this.lifecycle.report(type, client, known.credential, base.requestId, `${known.status} credential presented`, req);
      }
      // Over clear text a bad credential gets the answer a good one gets: a 401 would tell an eavesdropper's replay
      // which of the tokens it saw still work.
      if (plainHttp) return denied(base, this.plainHttpRefusal(presented));
      return denied(base, refuse(401, 'invalid_token', `credential ${verified.failure}`, this.challenge(presented)));
    }
    const credential = verified.credential;
    base.credential = credential;
    if (plainHttp) {
      this.lifecycle.report('token.exposed', client, credential, base.requestId, 'credential sent over plain HTTP', req);
      return denied(base, this.plainHttpRefusal(presented));
    }
    const revokedBy = this.revocations.revokedBy(credential);
    if (revokedBy) {
      this.lifecycle.report('token.revoked_use', client, credential, base.requestId, `revoked (${revokedBy})`, req);
      return denied(base, refuse(401, 'invalid_token', `revoked by ${revokedBy}`, this.challenge(presented)));
    }
    if (credential.canary) {
      this.lifecycle.report('canary.used', client, credential, base.requestId, 'canary credential used', req);
      return denied(base, refuse(401, 'invalid_token', 'canary', this.challenge(presented)));
    }
    if (credential.expiresAt !== undefined && credential.expiresAt <= now)
      return denied(base, refuse(401, 'invalid_token', 'credential expired', this.challenge(presented)));
    if (credential.notBefore !== undefined && credential.notBefore > now + 5_000)
      return denied(base, refuse(401, 'invalid_token', 'credential not yet valid', this.challenge(presented)));
    if (this.blocks.isCredentialBlocked(credential.id)) return denied(base, refuse(403, 'access_denied', 'credential blocked'));
    if (credential.cidrAllowlist && !credential.cidrAllowlist.has(client.ip))
      return denied(base, refuse(403, 'access_denied', 'address outside the key allowlist'));

    if (presented.scheme === 'bearer') {
      const auth = { scheme: 'dpop' as const, dpopAlgs: this.dpopAlgs };
      // RFC 9449 §7.2: a DPoP-bound token presented as a bearer token is refused.
      if (credential.jkt)
        return denied(base, refuse(401, 'invalid_token', 'DPoP-bound token sent as Bearer', { ...auth, scheme: 'bearer' }));
      if (p.route.config.require_dpop) return denied(base, refuse(401, 'invalid_token', 'route requires DPoP', auth));
      return this.admit(p, credential, now);
    }
    const refusal = this.dpop.check(
      { req, proto: client.proto, accessToken: presented.token, accessTokenHash: p.hashKey },
      credential,
      (reason) => this.lifecycle.report('dpop.failure', client, credential, base.requestId, reason, req),
    );
    if (refusal instanceof Promise) return refusal.then((r) => (r ? denied(base, r) : this.admit(p, credential, Date.now())));
    return refusal ? denied(base, refusal) : this.admit(p, credential, Date.now());
  }

  // The checks after the credential and its DPoP binding: audience, scopes, rate, probing.
  private admit(p: PendingRequest, credential: VerifiedCredential, now: number): GuardDecision {
    const { base, route } = p;
    const audience = route.config.audience ?? this.audience;
    if (!credential.audience.includes(audience))
      return denied(base, refuse(401, 'invalid_token', 'audience mismatch', this.challenge(p.presented)));
    const required = route.config.scopes;
    for (const scope of required) {
      if (!credential.scopes.includes(scope))
        return denied(base, refuse(403, 'insufficient_scope', 'missing scope', { ...this.challenge(p.presented), scope: required }));
    }
    if (this.limiter) {
      const r = this.limiter.take(`${credential.kind}:${credential.id || credential.subject}`, now);
      if (!r.ok) {
        const refusal = refuse(429, 'rate_limited', 'rate limit');
        refusal.headers['retry-after'] = String(r.retryAfterSeconds);
        return denied(base, refusal);
      }
    }
    if (!this.probing.idle) {
      const byCredential = this.probing.state(`cred:${credential.id}`);
      if (byCredential.action === 'block') return denied(base, refuse(403, 'access_denied', 'probing blocked'));
      if (byCredential.action === 'delay') base.delayMs = Math.max(base.delayMs, byCredential.ms);
    }
    this.keyUses.note(credential, base.client.ip, now);
    if (p.presented.via === 'query') base.tokenInQuery = true;
    return allowed(base, p.forwardTarget);
  }

  // Challenges without an error code (RFC 6750 has none for the transport): the client learns how to authenticate, the
  // body why not here.
  private plainHttpRefusal(presented: PresentedCredential): Refusal {
    return refuse(403, 'insecure_transport', 'credential over plain HTTP', { ...this.challenge(presented), challengeError: false });
  }

  private challenge(presented: PresentedCredential): { scheme: 'bearer' | 'dpop'; dpopAlgs: readonly string[] } {
    return { scheme: presented.scheme === 'dpop' ? 'dpop' : 'bearer', dpopAlgs: this.dpopAlgs };
  }

  /** The 400 for a request whose credential cannot be read unambiguously (RFC 6750 §3.1), with challenges. */
  malformedCredential(reason: string): Refusal {
    return refuse(400, 'invalid_request', reason, { scheme: 'bearer', dpopAlgs: this.dpopAlgs });
  }

  /** A fresh DPoP nonce to send as `DPoP-Nonce`, when nonces are enabled. */
  currentNonce(): string | undefined {
    return this.nonces?.current();
  }

  /** Stops the revocation sync and flushes buffered access events. */
  async close(): Promise<void> {
    this.sync.stop();
    this.signatureThread?.close();
    await this.sink?.flush();
  }

  private isStale(now: number): boolean {
    const r = this.options.config.revocation;
    return r.on_stale === 'fail-closed' && now - this.sync.lastSuccess > r.staleness_ms;
  }
}
