import * as oauth from 'oauth4webapi';
import { browserLogin, type Harness, insecure } from './harness.js';

/** A client set up for the code flow, and the tokens of one completed flow. */
export interface CodeFlowSession {
  client: oauth.Client;
  clientAuth: oauth.ClientAuth;
  DPoP?: oauth.DPoPHandle;
  tokens: oauth.TokenEndpointResponse;
  loginPage: string;
}

export const REDIRECT_URI = 'https://app.example.test/callback';

/**
 * Registers a client (confidential by default, public with DPoP when asked), creates a user, and
 * runs the code flow with PKCE S256 through the login form with oauth4webapi.
 */
export async function runCodeFlow(
  h: Harness,
  options: { public?: boolean; login?: string; password?: string; scope?: string } = {},
): Promise<CodeFlowSession> {
  const login = options.login ?? `user${Math.random().toString(36).slice(2, 8)}`;
  const password = options.password ?? 'correct horse battery staple';
  if (!options.login) await h.service.admin.createUser({ login, password });
  const created = await h.service.admin.createClient({
    name: 'web',
    grantTypes: ['authorization_code', 'refresh_token'],
    redirectUris: [REDIRECT_URI],
    public: Boolean(options.public),
    scopes: ['read', 'write'],
  });
  const client: oauth.Client = { client_id: created.client_id, id_token_signed_response_alg: 'EdDSA' };
  const clientAuth = created.client_secret ? oauth.ClientSecretBasic(created.client_secret) : oauth.None();
  const DPoP = options.public ? oauth.DPoP(client, await oauth.generateKeyPair('ES256')) : undefined;

  const codeVerifier = oauth.generateRandomCodeVerifier();
  const state = oauth.generateRandomState();
  const nonce = oauth.generateRandomNonce();
  const url = new URL(h.as.authorization_endpoint as string);
  url.searchParams.set('client_id', client.client_id);
  url.searchParams.set('redirect_uri', REDIRECT_URI);
  url.searchParams.set('response_type', 'code');
  url.searchParams.set('scope', options.scope ?? 'openid offline_access read');
  url.searchParams.set('code_challenge', await oauth.calculatePKCECodeChallenge(codeVerifier));
  url.searchParams.set('code_challenge_method', 'S256');
  url.searchParams.set('state', state);
  url.searchParams.set('nonce', nonce);
  url.searchParams.set('prompt', 'consent');

  const { callback, loginPage } = await browserLogin(url, REDIRECT_URI, login, password);
  const params = oauth.validateAuthResponse(h.as, client, callback, state);
  const response = await oauth.authorizationCodeGrantRequest(h.as, client, clientAuth, params, REDIRECT_URI, codeVerifier, {
    ...(DPoP ? { DPoP } : {}),
    ...insecure,
  });
  const tokens = await oauth.processAuthorizationCodeResponse(h.as, client, response, { expectedNonce: nonce });
  return { client, clientAuth, ...(DPoP ? { DPoP } : {}), tokens, loginPage };
}

/** One refresh with oauth4webapi; resolves to the response or rejects with the OAuth error. */
export async function refresh(h: Harness, s: CodeFlowSession, refreshToken: string): Promise<oauth.TokenEndpointResponse> {
  const response = await oauth.refreshTokenGrantRequest(h.as, s.client, s.clientAuth, refreshToken, {
    ...(s.DPoP ? { DPoP: s.DPoP } : {}),
    ...insecure,
  });
  return oauth.processRefreshTokenResponse(h.as, s.client, response);
}
