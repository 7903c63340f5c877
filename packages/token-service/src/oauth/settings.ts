import { ConfigError } from '@tokenwarden/core';

/** Lifetimes and policies of the authorization server, validated once. */
export interface TokenSettings {
  issuer: string;
  /** Default audience: what a token requested without `resource` is for. */
  audience: string;
  /** Other audiences (resource indicators) clients may ask for. */
  extraAudiences: string[];
  accessTokenTtlS: number;
  authorizationCodeTtlS: number;
  refreshIdleTtlS: number;
  refreshAbsoluteTtlS: number;
  sessionTtlS: number;
  /** Require a server nonce in every DPoP proof (RFC 9449 §8). */
  dpopRequireNonce: boolean;
  /** Longest lifetime an API key may be created with. */
  maxKeyTtlMs: number;
}

/** Optional overrides of {@link TokenSettings}. */
export type TokenSettingsInput = Partial<TokenSettings> & { issuer: string };

/**
 * Fills defaults (5-minute access tokens, 14-day idle / 30-day absolute refresh families,
 * default audience `<issuer>/api`, 1-year key maximum) and rejects unsafe values.
 *
 * @example
 * ```ts
 * const settings = resolveTokenSettings({ issuer: 'http://127.0.0.1:8080', accessTokenTtlS: 600 });
 * ```
 */
export function resolveTokenSettings(input: TokenSettingsInput): TokenSettings {
  let issuerUrl: URL;
  try {
    issuerUrl = new URL(input.issuer);
  } catch {
    throw new ConfigError('token.issuer', input.issuer, 'an absolute http(s) URL');
  }
  if (issuerUrl.search || issuerUrl.hash) throw new ConfigError('token.issuer', input.issuer, 'a URL without query or fragment');
  const issuer = input.issuer.replace(/\/+$/, '');
  const settings: TokenSettings = {
    issuer,
    audience: input.audience ?? `${issuer}/api`,
    extraAudiences: input.extraAudiences ?? [],
    accessTokenTtlS: input.accessTokenTtlS ?? 300,
    authorizationCodeTtlS: input.authorizationCodeTtlS ?? 60,
    refreshIdleTtlS: input.refreshIdleTtlS ?? 14 * 86_400,
    refreshAbsoluteTtlS: input.refreshAbsoluteTtlS ?? 30 * 86_400,
    sessionTtlS: input.sessionTtlS ?? 86_400,
    dpopRequireNonce: input.dpopRequireNonce ?? false,
    maxKeyTtlMs: input.maxKeyTtlMs ?? 365 * 86_400_000,
  };
  if (!Number.isInteger(settings.accessTokenTtlS) || settings.accessTokenTtlS < 1 || settings.accessTokenTtlS > 3600) {
    throw new ConfigError('token.access_token_ttl', settings.accessTokenTtlS, 'whole seconds from 1 to 3600');
  }
  if (!Number.isInteger(settings.refreshAbsoluteTtlS) || settings.refreshAbsoluteTtlS < 1) {
    throw new ConfigError('token.refresh_absolute_ttl', settings.refreshAbsoluteTtlS, 'whole seconds, at least 1');
  }
  if (!Number.isInteger(settings.refreshIdleTtlS) || settings.refreshIdleTtlS < 1) {
    throw new ConfigError('token.refresh_idle_ttl', settings.refreshIdleTtlS, 'whole seconds, at least 1');
  }
  if (!Number.isFinite(settings.maxKeyTtlMs) || settings.maxKeyTtlMs < 1000) {
    throw new ConfigError('token.max_key_ttl', settings.maxKeyTtlMs / 1000, 'a lifetime of at least 1 second, e.g. 90d');
  }
  if (settings.refreshIdleTtlS > settings.refreshAbsoluteTtlS) {
    throw new ConfigError('token.refresh_idle_ttl', settings.refreshIdleTtlS, 'at most the absolute refresh lifetime');
  }
  try {
    new URL(settings.audience);
  } catch {
    throw new ConfigError('token.audience', settings.audience, 'an absolute URI such as https://api.example.com');
  }
  return settings;
}
