import { generateTwToken, newId } from '@tokenwarden/core';
import { type CryptoKey, calculateJwkThumbprint, exportJWK, generateKeyPair, type JWK, SignJWT } from 'jose';
import type { CredentialSource, IntrospectionResult, KeyRecord, RevocationEntry, RevocationKind } from '../../src/credential-source.js';

/** A test issuer: real EdDSA JWT access tokens, real `tw_` keys, an in-memory revocation log. */
export class FakeCredentialSource implements CredentialSource {
  readonly issuer = 'https://issuer.test';
  readonly defaultAudience = 'https://api.test';
  readonly calls = { jwks: 0, findKey: 0, introspect: 0, revocationsSince: 0, recordKeyUse: 0 };
  failRevocations = false;
  private readonly keys = new Map<string, KeyRecord>();
  private readonly opaque = new Map<string, IntrospectionResult>();
  private readonly canaries = new Map<string, { id: string; kind: string; label: string }>();
  private readonly log: RevocationEntry[] = [];
  private signing: { kid: string; privateKey: CryptoKey; publicJwk: JWK }[] = [];

  static async create(): Promise<FakeCredentialSource> {
    const s = new FakeCredentialSource();
    await s.rotate();
    return s;
  }

  /** Adds a new signing key (the old one stays published). */
  async rotate(): Promise<string> {
    const { privateKey, publicKey } = await generateKeyPair('EdDSA', { crv: 'Ed25519' });
    const kid = newId('kid');
    const publicJwk = { ...(await exportJWK(publicKey)), kid, alg: 'EdDSA', use: 'sig' };
    this.signing.unshift({ kid, privateKey, publicJwk });
    return kid;
  }

  async jwks(): Promise<{ keys: JWK[] }> {
    this.calls.jwks++;
    return { keys: this.signing.map((s) => s.publicJwk) };
  }

  async findKey(raw: string): Promise<KeyRecord | undefined> {
    this.calls.findKey++;
    return this.keys.get(raw);
  }

  async findCanary(value: string): Promise<{ id: string; kind: string; label: string } | undefined> {
    return this.canaries.get(value);
  }

  /** Registers `value` as a canary of `kind` (what `keys canary` would have minted). */
  plantCanary(value: string, kind: 'access_token' | 'refresh_token'): { id: string; kind: string; label: string } {
    const hit = { id: newId('can'), kind, label: 'planted' };
    this.canaries.set(value, hit);
    return hit;
  }

  async introspect(token: string): Promise<IntrospectionResult> {
    this.calls.introspect++;
    return this.opaque.get(token) ?? { active: false };
  }

  async revocationsSince(seq: number): Promise<RevocationEntry[]> {
    this.calls.revocationsSince++;
    if (this.failRevocations) throw new Error('revocation source down');
    return this.log.filter((e) => e.seq > seq);
  }

  async recordKeyUse(): Promise<void> {
    this.calls.recordKeyUse++;
  }

  /** Issues an RFC 9068 access token. */
  async issueJwt(
    options: {
      sub?: string;
      scope?: string;
      aud?: string | string[];
      expiresIn?: number;
      jkt?: string;
      clientId?: string;
      grantId?: string;
      alg?: string;
      typ?: string;
      iat?: number;
      /** Claims set over the defaults; `undefined` leaves a claim out (`{ client_id: undefined }`). */
      claims?: Record<string, unknown>;
    } = {},
  ): Promise<{ token: string; jti: string }> {
    const jti = newId('at');
    const key = this.signing[0]!;
    const claims: Record<string, unknown> = { scope: options.scope ?? 'echo.read', client_id: options.clientId ?? 'client_1' };
    if (options.jkt) claims.cnf = { jkt: options.jkt };
    if (options.grantId) claims.grant_id = options.grantId;
    Object.assign(claims, options.claims);
    const now = Math.floor(Date.now() / 1000);
    const token = await new SignJWT(claims)
      .setProtectedHeader({ alg: 'EdDSA', typ: options.typ ?? 'at+jwt', kid: key.kid })
      .setIssuer(this.issuer)
      .setSubject(options.sub ?? 'user_1')
      .setAudience(options.aud ?? this.defaultAudience)
      .setJti(jti)
      .setIssuedAt(options.iat ?? now)
      .setExpirationTime((options.iat ?? now) + (options.expiresIn ?? 600))
      .sign(key.privateKey);
    return { token, jti };
  }

  /** Creates an API key. */
  createKey(overrides: Partial<KeyRecord> = {}): { raw: string; record: KeyRecord } {
    const raw = generateTwToken('k');
    const record: KeyRecord = {
      id: newId('key'),
      kind: 'api_key',
      subject: 'user_1',
      scopes: ['echo.read'],
      audience: [this.defaultAudience],
      canary: false,
      status: 'active',
      display_prefix: raw.slice(0, 12),
      created_at: new Date().toISOString(),
      ...overrides,
    };
    this.keys.set(raw, record);
    return { raw, record };
  }

  /** Registers an opaque token for introspection. */
  createOpaque(claims: Partial<IntrospectionResult> = {}): string {
    const token = `op_${newId('t')}`;
    this.opaque.set(token, {
      active: true,
      sub: 'user_1',
      scope: 'echo.read',
      aud: this.defaultAudience,
      jti: newId('op'),
      exp: Math.floor(Date.now() / 1000) + 600,
      ...claims,
    });
    return token;
  }

  revoke(kind: RevocationKind, value: string): void {
    const seq = (this.log[this.log.length - 1]?.seq ?? 0) + 1;
    this.log.push({ seq, kind, value, revoked_at: new Date().toISOString() });
    for (const [raw, rec] of this.keys) if (kind === 'key' && rec.id === value) this.keys.set(raw, { ...rec, status: 'revoked' });
  }
}

/** A DPoP key pair and a proof builder. */
export async function dpopKey(): Promise<{
  jkt: string;
  proof: (htm: string, htu: string, token: string, extra?: Record<string, unknown>) => Promise<string>;
}> {
  const { privateKey, publicKey } = await generateKeyPair('EdDSA', { crv: 'Ed25519' });
  const jwk = await exportJWK(publicKey);
  const jkt = await calculateJwkThumbprint(jwk);
  const { createHash } = await import('node:crypto');
  return {
    jkt,
    proof: (htm, htu, token, extra = {}) =>
      new SignJWT({ htm, htu, ath: createHash('sha256').update(token).digest('base64url'), ...extra })
        .setProtectedHeader({ alg: 'EdDSA', typ: 'dpop+jwt', jwk })
        .setJti(newId('dp'))
        .setIssuedAt()
        .sign(privateKey),
  };
}
