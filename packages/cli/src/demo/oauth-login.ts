import { createHash, randomBytes } from 'node:crypto';

/** What the code flow returns. */
export interface LoginTokens {
  access_token: string;
  token_type: string;
  refresh_token?: string;
  expires_in?: number;
}

function cookiesOf(res: Response, jar: Map<string, string>): void {
  for (const c of res.headers.getSetCookie()) {
    const [pair] = c.split(';');
    const eq = pair?.indexOf('=') ?? -1;
    if (pair && eq > 0) jar.set(pair.slice(0, eq), pair.slice(eq + 1));
  }
}

function cookieHeader(jar: Map<string, string>): string {
  return [...jar.entries()].map(([k, v]) => `${k}=${v}`).join('; ');
}

/**
 * Signs a user in the way a browser would: authorization code flow with PKCE S256 through the
 * token service's login form (`login` and `password` fields), then the code exchange with the
 * client's secret. The demo uses it to show the legitimate user working again after containment.
 *
 * @example
 * ```ts
 * const tokens = await loginWithCodeFlow({ issuer, clientId, clientSecret, redirectUri, login: 'alice', password, resource });
 * ```
 */
export async function loginWithCodeFlow(o: {
  issuer: string;
  clientId: string;
  clientSecret: string;
  redirectUri: string;
  login: string;
  password: string;
  scope: string;
  resource?: string;
}): Promise<LoginTokens> {
  const meta = (await (await fetch(`${o.issuer}/.well-known/openid-configuration`)).json()) as {
    authorization_endpoint: string;
    token_endpoint: string;
  };
  const verifier = randomBytes(32).toString('base64url');
  const challenge = createHash('sha256').update(verifier).digest('base64url');
  const state = randomBytes(16).toString('base64url');
  const auth = new URL(meta.authorization_endpoint);
  auth.search = new URLSearchParams({
    response_type: 'code',
    client_id: o.clientId,
    redirect_uri: o.redirectUri,
    scope: o.scope,
    state,
    code_challenge: challenge,
    code_challenge_method: 'S256',
    ...(o.resource ? { resource: o.resource } : {}),
  }).toString();
  const jar = new Map<string, string>();
  let url = auth.toString();
  let method = 'GET';
  let body: string | undefined;
  for (let hop = 0; hop < 12; hop++) {
    const res = await fetch(url, {
      method,
      redirect: 'manual',
      headers: { cookie: cookieHeader(jar), ...(body ? { 'content-type': 'application/x-www-form-urlencoded' } : {}) },
      ...(body ? { body } : {}),
    });
    cookiesOf(res, jar);
    const location = res.headers.get('location');
    if (res.status >= 300 && res.status < 400 && location) {
      const next = new URL(location, url);
      if (next.toString().startsWith(o.redirectUri)) {
        const code = next.searchParams.get('code');
        if (!code || next.searchParams.get('state') !== state)
          throw new Error(`login failed: ${next.searchParams.get('error') ?? 'no code'}`);
        const tokenRes = await fetch(meta.token_endpoint, {
          method: 'POST',
          headers: {
            'content-type': 'application/x-www-form-urlencoded',
            authorization: `Basic ${Buffer.from(`${encodeURIComponent(o.clientId)}:${encodeURIComponent(o.clientSecret)}`).toString('base64')}`,
          },
          body: new URLSearchParams({
            grant_type: 'authorization_code',
            code,
            redirect_uri: o.redirectUri,
            code_verifier: verifier,
            ...(o.resource ? { resource: o.resource } : {}),
          }).toString(),
        });
        const tokens = (await tokenRes.json()) as LoginTokens & { error?: string; error_description?: string };
        if (!tokenRes.ok) throw new Error(`token exchange failed: ${tokens.error} ${tokens.error_description ?? ''}`);
        return tokens;
      }
      url = next.toString();
      method = 'GET';
      body = undefined;
      continue;
    }
    const html = await res.text();
    const form = /<form\b[^>]*>/i.exec(html)?.[0];
    if (!form || !/method="post"/i.test(form)) throw new Error(`login failed: unexpected page (HTTP ${res.status})`);
    if (method === 'POST' && /role="alert"/.test(html)) throw new Error('login failed: the login form refused the credentials');
    // A form without an action posts back to the page's own URL.
    const action = /action="([^"]+)"/i.exec(form)?.[1];
    if (action) url = new URL(action.replace(/&amp;/g, '&'), url).toString();
    method = 'POST';
    body = new URLSearchParams({ login: o.login, password: o.password }).toString();
  }
  throw new Error('login failed: too many redirects');
}
