import type { Provider } from 'oidc-provider';

/**
 * Makes every URL the provider builds for a request (discovery and RFC 8414 metadata, `jwks_uri`,
 * the interaction's `returnTo`, end-session forms, and the URL a DPoP proof's `htu` must name) start
 * with the configured issuer's origin (scheme, host and port).
 *
 * Why: oidc-provider builds these from the request (`ctx.href`: its `Host` header, and with
 * `proxy` on, `X-Forwarded-Host` and `X-Forwarded-Proto`). A forged `Host` then put an attacker's
 * host in the metadata clients discover endpoints from (and in caches in front of us), and a
 * DPoP proof was checked against whatever host and scheme the request arrived with: one made for
 * `https://issuer/token` failed behind a TLS-terminating proxy, one made for a forged host passed.
 * Paths stay the routes we serve (`/token`, not under the issuer's own path), as before.
 *
 * @example
 * ```ts
 * const provider = new Provider(settings.issuer, configuration);
 * pinUrlsToIssuerOrigin(provider, settings.issuer);
 * ```
 */
export function pinUrlsToIssuerOrigin(provider: Provider, issuer: string): void {
  const origin = new URL(issuer).origin;
  // Koa's default, kept explicit: nothing read from X-Forwarded-* (client IP, scheme, host) is trusted.
  provider.proxy = false;
  const context = provider.OIDCContext.prototype as { urlFor(name: string, options?: Record<string, unknown>): string };
  context.urlFor = (name, options) => new URL(provider.pathFor(name, { mountPath: '', ...options }), origin).href;
}

/**
 * The issuer's `host[:port]`, for pages that name the server (oidc-provider's default logout
 * page prints the request's `Host`).
 *
 * @example
 * ```ts
 * issuerHost('https://auth.example.com'); // "auth.example.com"
 * ```
 */
export function issuerHost(issuer: string): string {
  return new URL(issuer).host;
}
